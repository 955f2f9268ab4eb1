// cgocheck - a Go program built with cgo against glibc, linked statically
// (tests/suites/58-go): the runtime starts its threads with glibc's
// pthread_create (clone3), goroutines call into C concurrently, C calls
// back into Go, and a C thread's TLS (errno) stays per thread. Prints
// "ok NAME"/"FAIL NAME: why"; exits 0 only when all passed.
package main

/*
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern long goCallback(long);

static long c_sum(long n)
{
	long s = 0;
	for (long i = 1; i <= n; i++)
		s += i;
	return s;
}

static long c_call_go(long v)
{
	return goCallback(v) + 1;
}

static long c_errno_roundtrip(long v)
{
	errno = (int)v;
	for (volatile int i = 0; i < 100000; i++)
		;
	return errno;
}

static void *c_thread(void *arg)
{
	long *p = arg;
	*p = c_sum(*p);
	return NULL;
}

static long c_pthread(long n)
{
	pthread_t t;
	long v = n;
	if (pthread_create(&t, NULL, c_thread, &v) != 0)
		return -1;
	if (pthread_join(t, NULL) != 0)
		return -2;
	return v;
}

static char *c_strdup_upper(const char *s)
{
	char *d = strdup(s);
	for (char *p = d; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p -= 32;
	return d;
}
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

var failed bool

func check(name string, good bool, format string, a ...interface{}) {
	if good {
		fmt.Printf("ok %s\n", name)
	} else {
		failed = true
		fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, a...))
	}
}

//export goCallback
func goCallback(v C.long) C.long { return v * 2 }

func main() {
	check("cgo-call", C.c_sum(1000) == 500500, "c_sum %d", C.c_sum(1000))
	check("cgo-callback", C.c_call_go(20) == 41, "c_call_go %d", C.c_call_go(20))
	cs := C.CString("hello cgo")
	up := C.c_strdup_upper(cs)
	got := C.GoString(up)
	C.free(unsafe.Pointer(cs))
	C.free(unsafe.Pointer(up))
	check("cgo-string", got == "HELLO CGO", "got %q", got)
	check("cgo-pthread", C.c_pthread(100) == 5050, "c_pthread %d", C.c_pthread(100))

	// 16 goroutines in C at once: each C thread keeps its own errno
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 1; g <= 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if r := C.c_errno_roundtrip(C.long(g)); r != C.long(g) {
					errs <- fmt.Sprintf("goroutine %d got errno %d", g, r)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	msg := ""
	for e := range errs {
		msg += e + "; "
	}
	check("cgo-threads-errno", msg == "", "%s", msg)
	if failed {
		os.Exit(1)
	}
}
