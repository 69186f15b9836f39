// A reader that does nothing (used where a partner kernel is deliberately missing).
void kernel_main() {}
