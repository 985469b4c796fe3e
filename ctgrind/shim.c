/* memcheck client requests for the Rust harness (avoids bindgen/libclang).
 * Outside valgrind these are no-ops. */
#include <stddef.h>
#include <valgrind/memcheck.h>

void vaultseal_ct_poison(const void *p, size_t n) { VALGRIND_MAKE_MEM_UNDEFINED(p, n); }
void vaultseal_ct_unpoison(const void *p, size_t n) { VALGRIND_MAKE_MEM_DEFINED(p, n); }
size_t vaultseal_ct_on_valgrind(void) { return RUNNING_ON_VALGRIND; }
