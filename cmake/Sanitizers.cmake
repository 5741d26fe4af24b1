# ASan + UBSan for the whole build: the test script builds this way so that every unit and
# integration test also checks memory and undefined behaviour. Any report fails the test.
if(BAGG_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
endif()
