// The generated bindings reference this symbol so that wit-bindgen's
// `{{world_snake}}_component_type.o` (the world's type) gets linked. The
// bindings here were generated with `--no-object-file` and build.sh embeds
// the type straight from wit/ (`wasm-tools component embed`), so no binary
// object is shipped; this empty definition satisfies the linker.
void __component_type_object_force_link_{{world_snake}}(void);
void __component_type_object_force_link_{{world_snake}}(void) {}
