// Broken: uses CB 5, which the program never configured.
void kernel_main() { cb_reserve_back(tt::CBIndex::c_5, 1); }
