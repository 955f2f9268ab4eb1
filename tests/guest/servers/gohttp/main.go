// gohttp - a Go net/http "hello" server for tests/suites/75-servers and
// bench (wrk -t2 -c64 -d10s), built static with CGO_ENABLED=0 by
// tests/guest/servers/build.mk. Runs the same natively, under monos and in
// the Linux guest (bench/linuxguest.py).
//
//	GET /            "hello from gohttp\n" (text/plain)
//	GET /bytes?n=N   N bytes of the pattern 'a'..'z' repeated (N <= 64 MiB)
//	GET /quit        answers "bye <requests>\n", then the program exits 0
//
// Usage: gohttp [-addr :8080]. Prints "gohttp: listening on ADDR" once the
// socket listens, and on /quit the number of requests it served.
// Layer: guest test program; standard library only.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

var requests atomic.Int64

func hello(w http.ResponseWriter, r *http.Request) {
	requests.Add(1)
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("hello from gohttp\n"))
}

func bytesHandler(w http.ResponseWriter, r *http.Request) {
	requests.Add(1)
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 || n > 64<<20 {
		http.Error(w, "n: expected 0..67108864", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	buf := make([]byte, 32*1024)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	for done := 0; done < n; {
		// every chunk starts at a multiple of 26 so the pattern continues
		c := len(buf) - len(buf)%26
		if c > n-done {
			c = n - done
		}
		if _, err := w.Write(buf[:c]); err != nil {
			return
		}
		done += c
	}
}

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gohttp:", err)
		os.Exit(1)
	}
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/", hello)
	mux.HandleFunc("/bytes", bytesHandler)
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Connection", "close")
		fmt.Fprintf(w, "bye %d\n", n)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		close(quit)
	})
	fmt.Printf("gohttp: listening on %s (GOMAXPROCS %d, %d CPUs)\n", ln.Addr(),
		runtime.GOMAXPROCS(0), runtime.NumCPU())
	go func() {
		<-quit
		time.Sleep(100 * time.Millisecond) // let the /quit answer leave
		fmt.Printf("gohttp: served %d requests\n", requests.Load())
		os.Exit(0)
	}()
	err = http.Serve(ln, mux)
	fmt.Fprintln(os.Stderr, "gohttp:", err)
	os.Exit(1)
}
