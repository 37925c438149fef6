// test-other-world.wasm: implements example:widget@1.0.0 (widget.wit).
#include "widget_world.h"

uint32_t exports_example_widget_widget_spin(uint32_t turns) {
  return turns * 2;
}
