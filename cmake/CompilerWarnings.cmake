# Warnings every target of ours compiles with; BAGG_WERROR makes them fatal (CI and scripts/test).
function(bagg_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
    if(BAGG_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
