# BAGG_SMALL_BINARY: a smaller daemon with fewer resident pages, for the GX bundle
# (scripts/build-bundle turns it on). Each part can be switched on its own, to measure it:
#   BAGG_LTO              link-time optimisation (CMAKE_INTERPROCEDURAL_OPTIMIZATION)
#   BAGG_HEADER_ONLY_LOG  spdlog and fmt compiled into our binary (spdlog without SPDLOG_COMPILED_LIB,
#                         FMT_HEADER_ONLY), so that libspdlog.so and libfmt.so are neither loaded
#                         nor bundled
#   BAGG_OPTIMIZE_SIZE    -Os instead of the build type's -O level
#   BAGG_GC_SECTIONS      -ffunction-sections -fdata-sections -Wl,--gc-sections (off by default)
# Measured on x86-64, Release, N = 16 per-path (README, Performance): each part lowers RSS, all
# three together by about 1.4 MiB. -Os costs instructions: on the callgrind replay +6 % in all,
# about a fifth more in our own code and the libstdc++ calls it no longer inlines.
# --gc-sections adds nothing once LTO is on (the same text to the byte), so it is not part of
# BAGG_SMALL_BINARY; nor are -Wl,-O1 (it only shapes a shared library's hash tables) and
# --as-needed (Debian's gcc passes it already).
# Included by the top-level CMakeLists.txt after find_package(spdlog/fmt), before add_subdirectory(src).
option(BAGG_SMALL_BINARY "Smaller binary, fewer resident pages (the GX bundle)" OFF)
foreach(part LTO HEADER_ONLY_LOG OPTIMIZE_SIZE)
    if(NOT DEFINED BAGG_${part})
        set(BAGG_${part} ${BAGG_SMALL_BINARY})
    endif()
endforeach()
if(NOT DEFINED BAGG_GC_SECTIONS)
    set(BAGG_GC_SECTIONS OFF)
endif()

if(BAGG_LTO)
    include(CheckIPOSupported)
    check_ipo_supported(RESULT bagg_ipo_ok OUTPUT bagg_ipo_output LANGUAGES CXX)
    if(bagg_ipo_ok)
        set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
        # Every core for the link-time code generation, and no "serial compilation" note.
        add_link_options(-flto=auto)
    else()
        message(WARNING "BAGG_LTO: link-time optimisation not supported here: ${bagg_ipo_output}")
    endif()
endif()

if(BAGG_GC_SECTIONS)
    add_compile_options(-ffunction-sections -fdata-sections)
    add_link_options(LINKER:--gc-sections)
endif()

if(BAGG_HEADER_ONLY_LOG)
    # src/ links spdlog::spdlog and fmt::fmt: make those two imported targets header-only. The
    # shared libraries stay on the link line, but nothing refers to them any more, so --as-needed
    # leaves them out of NEEDED (readelf -d shows it; scripts/make-bundle then does not bundle them).
    set_target_properties(fmt::fmt PROPERTIES INTERFACE_COMPILE_DEFINITIONS "FMT_HEADER_ONLY=1")
    set_target_properties(spdlog::spdlog PROPERTIES INTERFACE_COMPILE_DEFINITIONS "SPDLOG_FMT_EXTERNAL")
    add_link_options(LINKER:--as-needed)
endif()

if(BAGG_OPTIMIZE_SIZE)
    # Appended after the build type's flags: the last -O wins. Without LTO, GCC 12 at -Os warns a
    # std::optional<double> "may be used uninitialized" (src/core/bank_cvl.cpp, a false positive)
    # and BAGG_WERROR would stop the build on it; with LTO the warning is not raised.
    add_compile_options(-Os -Wno-error=maybe-uninitialized)
endif()

message(STATUS "BAGG_SMALL_BINARY=${BAGG_SMALL_BINARY}: LTO=${BAGG_LTO} HEADER_ONLY_LOG=${BAGG_HEADER_ONLY_LOG} "
               "OPTIMIZE_SIZE=${BAGG_OPTIMIZE_SIZE} GC_SECTIONS=${BAGG_GC_SECTIONS}")
