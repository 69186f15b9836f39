// Broken: does not compile.
void kernel_main() {
    this is not C++;
}
