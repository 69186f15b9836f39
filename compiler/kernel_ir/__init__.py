"""Per-role kernel IR (reader / compute / writer): the ops codegen renders one-to-one into
Metalium C++, and the verifier that checks them before codegen."""
