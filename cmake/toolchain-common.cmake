# Shared by cmake/toolchain-<arch>.cmake, which set BAGG_TRIPLET and CMAKE_SYSTEM_PROCESSOR first.
# Debian's cross compiler, and a sysroot of the target's Debian packages unpacked by
# scripts/build-bundle (-DBAGG_SYSROOT=...): unpacked rather than installed as multiarch packages,
# so that the build machine's own packages never have to match the target's versions.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${BAGG_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${BAGG_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${BAGG_TRIPLET})
# try_compile projects read the toolchain again with a fresh cache: hand the sysroot on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES BAGG_SYSROOT)
set(BAGG_SYSROOT "" CACHE PATH "Unpacked ${BAGG_TRIPLET} Debian packages")
# Whole-project try_compiles (check_ipo_supported, BAGG_LTO) get no platform variables: they find
# the sysroot in the environment of this cmake process, which the toolchain sets below.
if(NOT BAGG_SYSROOT AND DEFINED ENV{BAGG_TOOLCHAIN_SYSROOT})
    set(BAGG_SYSROOT "$ENV{BAGG_TOOLCHAIN_SYSROOT}")
endif()
if(NOT BAGG_SYSROOT)
    message(FATAL_ERROR "set -DBAGG_SYSROOT to the unpacked target packages (scripts/build-bundle does)")
endif()
set(ENV{BAGG_TOOLCHAIN_SYSROOT} "${BAGG_SYSROOT}")
set(CMAKE_SYSROOT "${BAGG_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${BAGG_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Libraries that libraries need, found at link time in the sysroot.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-Wl,-rpath-link,${BAGG_SYSROOT}/usr/lib/${BAGG_TRIPLET}:${BAGG_SYSROOT}/lib/${BAGG_TRIPLET}")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${BAGG_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${BAGG_SYSROOT}/usr/lib/${BAGG_TRIPLET}/pkgconfig:${BAGG_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
