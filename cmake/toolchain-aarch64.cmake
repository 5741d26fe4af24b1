# Cross-build for aarch64 Venus OS devices: Debian's cross compiler, and a sysroot of the target's
# Debian packages unpacked by scripts/build-bundle (-DBAGG_SYSROOT=...). Unpacked rather than
# installed as multiarch packages, so that the build machine's own packages never have to match
# the target's versions.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# try_compile projects read this file again with a fresh cache: hand the sysroot on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES BAGG_SYSROOT)
set(BAGG_SYSROOT "" CACHE PATH "Unpacked aarch64-linux-gnu Debian packages")
set(CMAKE_SYSROOT "${BAGG_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${BAGG_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Libraries that libraries need, found at link time in the sysroot.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${BAGG_SYSROOT}/usr/lib/aarch64-linux-gnu:${BAGG_SYSROOT}/lib/aarch64-linux-gnu")
if(NOT BAGG_SYSROOT)
    message(FATAL_ERROR "set -DBAGG_SYSROOT to the unpacked target packages (scripts/build-bundle does)")
endif()
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${BAGG_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${BAGG_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${BAGG_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
