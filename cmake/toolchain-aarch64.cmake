# Cross-build for aarch64 Venus OS devices (Raspberry Pi 5, newest Cerbo GX): scripts/build-bundle aarch64.
set(BAGG_TRIPLET aarch64-linux-gnu)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
