// Broken: after one page, reserves 2 pages of a 2-page CB: the block would cross the CB's end.
void kernel_main() {
    cb_reserve_back(tt::CBIndex::c_0, 1);
    cb_push_back(tt::CBIndex::c_0, 1);
    cb_reserve_back(tt::CBIndex::c_0, 2);
}
