# rapidbyte_contract_mirror(<target> <kind> <header>): generates one C++ mirror
# of the connector contract from wit/rapidbyte-connector.wit at build time
# (wit/codegen/generate_mirrors.py) into ${CMAKE_BINARY_DIR}/generated/<header>,
# and defines <target>, a custom target that makes it. <kind> is host-abi or
# guest-convert. Consumers add ${CMAKE_BINARY_DIR}/generated to their include
# directories and depend on <target>. Shared by the host and the guest build.
find_package(Python3 3.9 REQUIRED COMPONENTS Interpreter)
set(RAPIDBYTE_MIRROR_SOURCE_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

function(rapidbyte_contract_mirror target kind header)
  set(wit ${RAPIDBYTE_MIRROR_SOURCE_ROOT}/wit/rapidbyte-connector.wit)
  set(codegen ${RAPIDBYTE_MIRROR_SOURCE_ROOT}/wit/codegen)
  set(output ${CMAKE_BINARY_DIR}/generated/${header})
  add_custom_command(
    OUTPUT ${output}
    COMMAND Python3::Interpreter -B ${codegen}/generate_mirrors.py ${wit}
            --wit-name wit/rapidbyte-connector.wit --${kind} ${output}
    DEPENDS ${wit} ${codegen}/generate_mirrors.py ${codegen}/wit_parser.py
    COMMENT "Generating ${header} from the WIT"
    VERBATIM)
  add_custom_target(${target} DEPENDS ${output})
endfunction()
