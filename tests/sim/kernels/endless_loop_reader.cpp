// Broken: spins forever without calling the API; only the watchdog can stop it.
#include <cstdint>

void kernel_main() {
    volatile uint32_t spins = 0;
    while (true) {
        spins = spins + 1;
    }
}
