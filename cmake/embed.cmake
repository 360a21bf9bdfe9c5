# cmake -DIN=FILE -DOUT=FILE.c -DNAME=symbol -P embed.cmake
# Writes FILE's bytes as `const unsigned char NAME[]` and `const size_t NAME_size` in OUT.c.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
# 16 bytes (32 hex digits) per line
string(REGEX REPLACE "(................................)" "\\1\n    " hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}"
     "/* Generated from ${IN} by cmake/embed.cmake: do not edit. */\n"
     "#include <stddef.h>\n\n"
     "extern const unsigned char ${NAME}[];\n"
     "extern const size_t ${NAME}_size;\n"
     "const unsigned char ${NAME}[] = {\n    ${bytes}\n};\n"
     "const size_t ${NAME}_size = ${size};\n")
