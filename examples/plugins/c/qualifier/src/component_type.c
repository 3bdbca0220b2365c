// The generated bindings reference this symbol so that wit-bindgen's
// `lead_definition_component_type.o` (the world's type, in a custom section)
// gets linked. We generate bindings with `--no-object-file` and let build.sh
// embed the type straight from wit/v0.1.0 (`wasm-tools component embed`), so
// no binary object is committed; this empty definition satisfies the linker.
void __component_type_object_force_link_lead_definition(void);
void __component_type_object_force_link_lead_definition(void) {}
