/* The test suite's processes only (make test preloads it; never the server): CPython 3.12
 * keeps its frames in 16 KiB chunks that it maps when a call goes one frame past the end of
 * the last chunk and unmaps when that call returns. Django's deep calls (middleware, views,
 * templates) cross such a boundary back and forth: 80.000 mmap/munmap pairs and 175.000 page
 * faults in one test module, some 8% of a test's CPU spent in the kernel. This keeps up to
 * KEPT of those chunks when they are unmapped and hands them back, zeroed as a new mapping is,
 * when the next one is mapped.
 *
 * Only mappings this file handed out are kept: anonymous, private, read-write, 16 KiB,
 * placed by the kernel. One whose protection or place was changed since (mprotect, mremap,
 * munmap of a larger range, MAP_FIXED over it) is forgotten and unmapped as usual. Built by
 * `make test` where a C compiler is found; without one the suite runs as it is. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK 16384
#define KEPT 64
#define TRACKED 1024

static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static int (*real_mprotect)(void *, size_t, int);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *kept[KEPT];      /* unmapped by the program, still mapped here */
static int n_kept;
static void *given[TRACKED];  /* handed out by mmap below, not yet unmapped */

static void reset_lock_in_child(void) { pthread_mutex_init(&lock, NULL); }

/* At load, before the program runs; again if a call comes first (another library's start). */
__attribute__((constructor)) static void init(void) {
    real_mmap = dlsym(RTLD_NEXT, "mmap64");
    real_munmap = dlsym(RTLD_NEXT, "munmap");
    real_mprotect = dlsym(RTLD_NEXT, "mprotect");
    real_mremap = dlsym(RTLD_NEXT, "mremap");
    pthread_atfork(NULL, NULL, reset_lock_in_child);
}

static int is_chunk(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return addr == NULL && len == CHUNK && prot == (PROT_READ | PROT_WRITE) &&
           flags == (MAP_PRIVATE | MAP_ANONYMOUS) && fd == -1 && off == 0;
}

static void track(void *p) { /* under the lock */
    for (int i = 0; i < TRACKED; i++)
        if (given[i] == NULL) { given[i] = p; return; }
    /* too many at once: this one is not tracked and will be unmapped as usual */
}

static int untrack(void *p) { /* under the lock: 1 if p was handed out here */
    for (int i = 0; i < TRACKED; i++)
        if (given[i] == p) { given[i] = NULL; return 1; }
    return 0;
}

static void forget(void *addr, size_t len) { /* those [addr, addr + len) overlaps */
    char *start = addr, *end = start + len;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < TRACKED; i++) {
        char *c = given[i];
        if (c != NULL && c < end && start < c + CHUNK) given[i] = NULL;
    }
    pthread_mutex_unlock(&lock);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    if (!real_mmap) init();
    if (!is_chunk(addr, len, prot, flags, fd, off)) {
        if (flags & MAP_FIXED) forget(addr, len);
        return real_mmap(addr, len, prot, flags, fd, off);
    }
    void *p = NULL;
    pthread_mutex_lock(&lock);
    if (n_kept) p = kept[--n_kept];
    pthread_mutex_unlock(&lock);
    if (p) memset(p, 0, CHUNK);
    else p = real_mmap(addr, len, prot, flags, fd, off);
    if (p != MAP_FAILED) {
        pthread_mutex_lock(&lock);
        track(p);
        pthread_mutex_unlock(&lock);
    }
    return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return mmap64(addr, len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len) {
    if (!real_munmap) init();
    if (len == CHUNK) {
        pthread_mutex_lock(&lock);
        int ours = untrack(addr);
        if (ours && n_kept < KEPT) {
            kept[n_kept++] = addr;
            pthread_mutex_unlock(&lock);
            return 0;
        }
        pthread_mutex_unlock(&lock);
        if (ours) return real_munmap(addr, len);
    }
    forget(addr, len);
    return real_munmap(addr, len);
}

int mprotect(void *addr, size_t len, int prot) {
    if (!real_mprotect) init();
    forget(addr, len);
    return real_mprotect(addr, len, prot);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...) {
    if (!real_mremap) init();
    void *new_addr = NULL;
    if (flags & MREMAP_FIXED) {
        va_list args;
        va_start(args, flags);
        new_addr = va_arg(args, void *);
        va_end(args);
        forget(new_addr, new_len);
    }
    forget(old, old_len);
    return real_mremap(old, old_len, new_len, flags, new_addr);
}
