// Broken: pushes 3 pages into a 2-page CB without reserving them.
void kernel_main() { cb_push_back(tt::CBIndex::c_0, 3); }
