# Writes a tool's man page from its own --help and --version, so that the page and the program
# never disagree (one source: the usage text in the tool).
#   cmake -DTOOL=path/to/mcast-join -DNAME=mcast-join "-DSUMMARY=what it does" -DOUT=mcast-join.1
#         -P cmake/manpage.cmake
foreach(v TOOL NAME SUMMARY OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "manpage.cmake: -D${v}=... is required")
  endif()
endforeach()
execute_process(COMMAND "${TOOL}" --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR help STREQUAL "")
  message(FATAL_ERROR "manpage.cmake: ${TOOL} --help failed (${rc})")
endif()
execute_process(COMMAND "${TOOL}" --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)
# roff: a backslash is \e; a line that starts with '.' or "'" would be a request: \& keeps it text.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
# The first line is the synopsis ("usage: NAME ..."); the rest, the description.
string(REGEX MATCH "^usage: ([^\n]*)\n" synopsis_line "${help}")
set(synopsis "${CMAKE_MATCH_1}")
string(REGEX REPLACE "^usage: [^\n]*\n\n?" "" body "${help}")
string(TOUPPER "${NAME}" upper)
file(WRITE "${OUT}" ".\\\" Generated from ${NAME} --help by cmake/manpage.cmake; edit the tool's usage text.
.TH ${upper} 1 \"\" \"${version}\" \"User Commands\"
.SH NAME
${NAME} \\- ${SUMMARY}
.SH SYNOPSIS
.nf
${synopsis}
.fi
.SH DESCRIPTION
.nf
${body}.fi
.SH SEE ALSO
mcast-join(1), mcast-send(1), mcast-probe(1)
")
