# Cross-build for armv7 hard-float Venus OS devices (Cerbo GX, Ekrano GX, ...): scripts/build-bundle armv7.
set(BAGG_TRIPLET arm-linux-gnueabihf)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
