// Custom sections are read from untrusted bytes: every malformed shape is an
// error, never an out-of-bounds read.
#include <gtest/gtest.h>

#include "host/runtime/connector_module.hpp"
#include "host/runtime/wasm_sections.hpp"

namespace rapidbyte::runtime {
namespace {

std::vector<uint8_t> header() {
  return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
}

std::vector<uint8_t> with_custom(const std::string& name, const std::string& data) {
  auto m = header();
  std::vector<uint8_t> body;
  body.push_back(static_cast<uint8_t>(name.size()));
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), data.begin(), data.end());
  m.push_back(0);
  m.push_back(static_cast<uint8_t>(body.size()));
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

TEST(WasmSectionsTest, ReadsCustomSections) {
  auto m = with_custom("hello", "world");
  auto sections = read_custom_sections(m);
  ASSERT_TRUE(sections) << sections.error();
  ASSERT_EQ(sections->size(), 1u);
  EXPECT_EQ((*sections)[0].name, "hello");
  EXPECT_EQ(std::string((*sections)[0].data.begin(), (*sections)[0].data.end()), "world");
}

TEST(WasmSectionsTest, RejectsBadMagic) {
  std::vector<uint8_t> m = {'n', 'o', 'p', 'e', 1, 0, 0, 0};
  EXPECT_EQ(read_custom_sections(m).error(),
            "not a WebAssembly core module (bad magic or version)");
  EXPECT_FALSE(read_custom_sections({}).has_value());
}

TEST(WasmSectionsTest, RejectsSectionRunningPastEnd) {
  auto m = with_custom("hello", "world");
  m.pop_back();
  auto r = read_custom_sections(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "length 11 at offset 2 runs past the end of the module");
}

TEST(WasmSectionsTest, RejectsNameLongerThanSection) {
  auto m = header();
  m.insert(m.end(), {0, 2, 50, 'a'});
  auto r = read_custom_sections(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "custom section name: length 50 at offset 1 runs past the end of the module");
}

TEST(WasmSectionsTest, RejectsOverlongLeb) {
  auto m = header();
  m.insert(m.end(), {0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  EXPECT_FALSE(read_custom_sections(m).has_value());
}

TEST(WasmSectionsTest, EveryTruncationIsAnErrorOrValid) {
  auto m = with_custom("component-type:w",
                       "\x0b"
                       "x:y/w@1.0.0abc");
  for (size_t n = 0; n <= m.size(); ++n) {
    std::span<const uint8_t> prefix(m.data(), n);
    (void)read_custom_sections(prefix);  // must not crash or read out of bounds
    (void)identify_module(prefix);
  }
}

TEST(WasmSectionsTest, ModuleWithoutComponentTypeIsRefused) {
  auto r = identify_module(with_custom("rapidbyte.manifest", "{}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "module has no component-type section, so it was not built for a "
            "rapidbyte:connector@4.0.0 world (build it with the connector SDK)");
}

TEST(WasmSectionsTest, OtherPackageIsNamedInRefusal) {
  auto r = identify_module(with_custom("component-type:gizmo",
                                       "\x01\x16"
                                       "acme:thing/gizmo@9.1.0"));
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error(),
      "module targets 'acme:thing/gizmo@9.1.0', not a rapidbyte:connector@4.0.0 connector world");
}

TEST(WasmSectionsTest, NonConnectorWorldOfV4IsRefused) {
  auto r = identify_module(with_custom("component-type:rapidbyte-host",
                                       "\x28"
                                       "rapidbyte:connector/rapidbyte-host@4.0.0"));
  ASSERT_FALSE(r);
  EXPECT_EQ(
      r.error(),
      "module targets world 'rapidbyte:connector/rapidbyte-host@4.0.0', which is not a connector "
      "world (rapidbyte-source, rapidbyte-destination, rapidbyte-transform)");
}

}  // namespace
}  // namespace rapidbyte::runtime
