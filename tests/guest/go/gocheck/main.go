// gocheck - Go runtime checks for monos (tests/suites/58-go, issue 5):
// goroutines and channels, time.Sleep and timers (the netpoller on epoll),
// GOMAXPROCS, async preemption of a spinning goroutine (SIGURG via tgkill),
// panic/recover, a nil dereference turned into a panic (SIGSEGV delivery),
// os.Args/os.Getenv, reading a file, os.Pipe through the netpoller,
// signal.Notify, runtime.GC under load, goroutines running at the same
// time on two CPUs (parallel: a spin handshake) and collections while
// goroutines spin without calls (gc-load).
// Usage: gocheck [CASE...] (no case or "all": all but crash, idle, parallel
// and gc-load). Prints "ok NAME", "FAIL NAME:
// why" or "skip NAME: reason" per case, "figure NAME: ..." for measured
// values; exits 0 only when nothing failed. Built CGO_ENABLED=0 (static)
// by the suite; validated natively before it runs under monos.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var failed bool

func ok(name string) { fmt.Printf("ok %s\n", name) }

func fail(name, format string, a ...interface{}) {
	failed = true
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, a...))
}

func check(name string, good bool, format string, a ...interface{}) {
	if good {
		ok(name)
	} else {
		fail(name, format, a...)
	}
}

// 1000 goroutines send i on a channel; a WaitGroup closes it; exact sum
func caseGoroutines() {
	const n = 1000
	ch := make(chan int, 16)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			ch <- v
		}(i)
	}
	go func() { wg.Wait(); close(ch) }()
	sum, cnt := 0, 0
	for v := range ch {
		sum += v
		cnt++
	}
	check("goroutines", sum == n*(n+1)/2 && cnt == n, "sum %d count %d", sum, cnt)

	// a pipeline of unbuffered channels through 100 stages
	first := make(chan int)
	in := first
	for i := 0; i < 100; i++ {
		out := make(chan int)
		go func(in <-chan int, out chan<- int) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(in, out)
		in = out
	}
	go func() {
		for i := 0; i < 50; i++ {
			first <- i
		}
		close(first)
	}()
	total := 0
	for v := range in {
		total += v
	}
	want := 0
	for i := 0; i < 50; i++ {
		want += i + 100
	}
	check("channel-pipeline", total == want, "total %d want %d", total, want)

	// a mutex-protected counter under contention
	var mu sync.Mutex
	counter := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for j := 0; j < 10000; j++ {
				mu.Lock()
				counter++
				mu.Unlock()
				if j%1000 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg2.Wait()
	check("mutex-counter", counter == 80000, "counter %d", counter)

	// channel ping-pong between two goroutines: the cost of a switch
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	const rounds = 20000
	t0 := time.Now()
	v := 0
	for i := 0; i < rounds; i++ {
		ping <- v
		v = <-pong
	}
	el := time.Since(t0)
	close(ping)
	fmt.Printf("figure ping-pong: %v per round trip\n", el/rounds)
	check("ping-pong", v == rounds, "value %d", v)
}

func slack() time.Duration {
	ms := 50
	if s := os.Getenv("GOCHECK_SLACK_MS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			ms = v
		}
	}
	return time.Duration(ms) * time.Millisecond
}

// time.Sleep accuracy and timers (runtime timers wake through the netpoller)
func caseTime() {
	sl := slack()
	var worst time.Duration
	bad := ""
	for _, d := range []time.Duration{1, 10, 20, 50} {
		d *= time.Millisecond
		t0 := time.Now()
		time.Sleep(d)
		got := time.Since(t0)
		if got < d || got > d+sl {
			bad += fmt.Sprintf(" sleep %v took %v;", d, got)
		}
		if got-d > worst {
			worst = got - d
		}
	}
	fmt.Printf("figure sleep-overshoot: worst %v\n", worst)
	// the cost of reading the clock (a vDSO call on Linux, a syscall without one)
	t0 := time.Now()
	for i := 0; i < 20000; i++ {
		_ = time.Now()
	}
	fmt.Printf("figure time-now: %v per call\n", time.Since(t0)/20000)
	check("sleep", bad == "", "%s", bad)

	// timer fires once, a stopped timer never fires
	t0 = time.Now()
	tm := time.NewTimer(30 * time.Millisecond)
	stopped := time.NewTimer(10 * time.Millisecond)
	was := stopped.Stop()
	<-tm.C
	el := time.Since(t0)
	select {
	case <-stopped.C:
		fail("timer", "a stopped timer fired")
	case <-time.After(30 * time.Millisecond):
		check("timer", was && el >= 30*time.Millisecond && el <= 30*time.Millisecond+sl,
			"stop %v elapsed %v", was, el)
	}

	// AfterFunc runs in its own goroutine
	done := make(chan time.Duration, 1)
	t0 = time.Now()
	time.AfterFunc(15*time.Millisecond, func() { done <- time.Since(t0) })
	select {
	case el = <-done:
		check("afterfunc", el >= 15*time.Millisecond && el <= 15*time.Millisecond+sl, "elapsed %v", el)
	case <-time.After(5 * time.Second):
		fail("afterfunc", "did not run in 5 s")
	}

	// a ticker: 10 ticks of 10 ms
	tk := time.NewTicker(10 * time.Millisecond)
	t0 = time.Now()
	for i := 0; i < 10; i++ {
		<-tk.C
	}
	tk.Stop()
	el = time.Since(t0)
	check("ticker", el >= 95*time.Millisecond && el <= 100*time.Millisecond+sl, "10 ticks in %v", el)

	// a select timeout while another goroutine sleeps too
	c := make(chan int)
	go func() { time.Sleep(200 * time.Millisecond); c <- 1 }()
	t0 = time.Now()
	select {
	case <-c:
		fail("select-timeout", "the slow goroutine won")
	case <-time.After(20 * time.Millisecond):
		el = time.Since(t0)
		check("select-timeout", el >= 20*time.Millisecond && el <= 20*time.Millisecond+sl, "elapsed %v", el)
	}
	<-c

	// many concurrent sleepers: each wakes after its own deadline, not much later
	// (their order is not checked: timers that expire in one runtime check
	// are readied through runnext, the later one first)
	over := make(chan time.Duration, 20)
	for i := 19; i >= 0; i-- {
		go func(i int) {
			d := time.Duration(5+i*5) * time.Millisecond
			t := time.Now()
			time.Sleep(d)
			over <- time.Since(t) - d
		}(i)
	}
	bad = ""
	worst = 0
	for i := 0; i < 20; i++ {
		o := <-over
		if o < 0 || o > sl {
			bad += fmt.Sprintf(" overshoot %v;", o)
		}
		if o > worst {
			worst = o
		}
	}
	fmt.Printf("figure sleepers-overshoot: worst %v\n", worst)
	check("sleepers", bad == "", "%s", bad)
}

func caseGomaxprocs() {
	got := runtime.GOMAXPROCS(0)
	ncpu := runtime.NumCPU()
	fmt.Printf("figure gomaxprocs: GOMAXPROCS %d NumCPU %d\n", got, ncpu)
	if env := os.Getenv("GOMAXPROCS"); env != "" {
		want, _ := strconv.Atoi(env)
		check("gomaxprocs-env", got == want, "GOMAXPROCS=%s but runtime says %d", env, got)
	} else {
		check("gomaxprocs-default", got == ncpu && ncpu >= 1, "GOMAXPROCS %d NumCPU %d", got, ncpu)
	}
	// work split over GOMAXPROCS goroutines gives the exact result
	var total int64
	var wg sync.WaitGroup
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			var s int64
			for i := int64(p); i < 4000000; i += 4 {
				s += i
			}
			atomic.AddInt64(&total, s)
		}(p)
	}
	wg.Wait()
	check("parallel-sum", total == 4000000*3999999/2, "total %d", total)
}

var spinStop int32
var spinCount int64

//go:noinline
func spin() {
	// no calls in the loop: only asynchronous preemption (SIGURG) can stop it
	n := int64(0)
	for atomic.LoadInt32(&spinStop) == 0 {
		n++
	}
	atomic.StoreInt64(&spinCount, n)
}

// with one P, a goroutine spinning without calls must be preempted by the
// runtime's SIGURG (sysmon -> tgkill) for main to run again
func casePreempt() {
	urg := make(chan os.Signal, 64)
	signal.Notify(urg, syscall.SIGURG)
	old := runtime.GOMAXPROCS(1)
	done := make(chan struct{})
	go func() { spin(); close(done) }()
	runtime.Gosched()
	t0 := time.Now()
	time.Sleep(20 * time.Millisecond) // only returns if the spinner is preempted
	el := time.Since(t0)
	atomic.StoreInt32(&spinStop, 1)
	<-done
	runtime.GOMAXPROCS(old)
	signal.Stop(urg)
	fmt.Printf("figure preempt: main ran again after %v, %d SIGURG seen, spinner %d loops\n",
		el, len(urg), atomic.LoadInt64(&spinCount))
	check("preempt", atomic.LoadInt64(&spinCount) > 0 && len(urg) > 0,
		"spinner loops %d, SIGURG seen %d", atomic.LoadInt64(&spinCount), len(urg))
}

//go:noinline
func floatWork(seed float64, n int) float64 {
	// a loop without calls: preempted asynchronously (SIGURG) many times;
	// every register (x87/SSE) must survive the signal frames bit-exact
	x, y, z := 0.1+seed/100, seed, 1.0
	for i := 0; i < n; i++ {
		x = 3.9 * x * (1 - x) // chaotic: any lost bit changes the end result
		y = 0.5*y + x
		z = z*0.999 + y*x
	}
	return x + y*3 + z*7
}

// 8 goroutines computing with floats, preempted by SIGURG (and by each
// other) many times: each result equals the same computation done alone
func casePreemptFPU() {
	const n = 8000000
	urg := make(chan os.Signal, 1024)
	signal.Notify(urg, syscall.SIGURG)
	defer signal.Stop(urg)
	want := make([]float64, 8)
	for i := range want {
		want[i] = floatWork(float64(i), n/8)
	}
	got := make([]float64, 8)
	var wg sync.WaitGroup
	for r := 0; r < 3; r++ {
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) { defer wg.Done(); got[i] = floatWork(float64(i), n/8) }(i)
		}
		wg.Wait()
		for i := range want {
			if got[i] != want[i] {
				fail("preempt-fpu", "round %d goroutine %d: %v want %v", r, i, got[i], want[i])
				return
			}
		}
	}
	fmt.Printf("figure preempt-fpu: %d SIGURG seen\n", len(urg))
	ok("preempt-fpu")
}

type boom struct{ code int }

func catch(f func()) (r interface{}) {
	defer func() { r = recover() }()
	f()
	return nil
}

type node struct {
	pad  [64]byte
	next *node
	val  int
}

//go:noinline
func deref(p *node) int { return p.val }

//go:noinline
func store(p *node, v int) { p.val = v }

func casePanic() {
	r := catch(func() { panic(boom{42}) })
	b, isb := r.(boom)
	check("panic-recover", isb && b.code == 42, "recovered %v", r)

	r = catch(func() { panic(errors.New("an error")) })
	e, ise := r.(error)
	check("panic-error", ise && e.Error() == "an error", "recovered %v", r)

	// deferred calls run in LIFO order during a panic
	var seq []int
	catch(func() {
		for i := 0; i < 3; i++ {
			i := i
			defer func() { seq = append(seq, i) }()
		}
		panic("x")
	})
	check("panic-defer-order", fmt.Sprint(seq) == "[2 1 0]", "order %v", seq)

	// bounds check and integer division (runtime errors)
	idx := 7
	r = catch(func() { a := []int{1, 2}; _ = a[idx] })
	re, isre := r.(runtime.Error)
	check("panic-index", isre && strings.Contains(re.Error(), "index out of range"), "recovered %v", r)
	zero := 0
	r = catch(func() { _ = idx / zero })
	re, isre = r.(runtime.Error)
	check("panic-divide", isre && strings.Contains(re.Error(), "divide by zero"), "recovered %v", r)
}

// a nil pointer dereference is a SIGSEGV the runtime turns into a panic
func caseNil() {
	var p *node
	r := catch(func() { _ = deref(p) })
	re, isre := r.(runtime.Error)
	check("nil-read", isre && strings.Contains(re.Error(), "nil pointer dereference"), "recovered %v", r)
	r = catch(func() { store(p, 5) })
	re, isre = r.(runtime.Error)
	check("nil-write", isre && strings.Contains(re.Error(), "nil pointer dereference"), "recovered %v", r)
	// many in a row: each fault delivers a fresh signal frame
	n := 0
	for i := 0; i < 200; i++ {
		if catch(func() { _ = deref(p) }) != nil {
			n++
		}
	}
	check("nil-repeat", n == 200, "%d of 200 recovered", n)
	// a fault in another goroutine, recovered there
	res := make(chan interface{})
	go func() { res <- catch(func() { store(p, 1) }) }()
	r = <-res
	check("nil-goroutine", r != nil, "no panic in the goroutine")
}

func caseArgs() {
	want := os.Getenv("GOCHECK_ARGS")
	if want == "" {
		fmt.Println("skip args: GOCHECK_ARGS not set (the suite sets it to the '|'-joined arguments)")
	} else {
		got := strings.Join(os.Args[1:], "|")
		check("args", got == want, "os.Args[1:] %q want %q", got, want)
	}
	v, set := os.LookupEnv("GOCHECK_ENV")
	if !set {
		fmt.Println("skip getenv: GOCHECK_ENV not set")
	} else {
		check("getenv", v == "a=b c", "GOCHECK_ENV %q", v)
	}
	_, set = os.LookupEnv("GOCHECK_NOT_SET_ANYWHERE")
	check("getenv-missing", !set, "unset variable found")
}

func caseFile() {
	exe := os.Args[0]
	data, err := os.ReadFile(exe)
	if err != nil {
		fail("readfile", "%v", err)
		return
	}
	st, err := os.Stat(exe)
	if err != nil {
		fail("readfile", "stat: %v", err)
		return
	}
	check("readfile", int64(len(data)) == st.Size() && len(data) > 4 &&
		string(data[:4]) == "\x7fELF", "read %d bytes, stat %d", len(data), st.Size())
	path := os.Getenv("GOCHECK_FILE")
	if path == "" {
		fmt.Println("skip readfile-data: GOCHECK_FILE not set")
		return
	}
	want := os.Getenv("GOCHECK_FILE_SUM")
	d, err := os.ReadFile(path)
	if err != nil {
		fail("readfile-data", "%v", err)
		return
	}
	var sum uint32
	for _, c := range d {
		sum = sum*31 + uint32(c)
	}
	got := fmt.Sprintf("%d:%d", len(d), sum)
	check("readfile-data", got == want, "got %s want %s", got, want)
	_, err = os.ReadFile("/no/such/file")
	check("readfile-missing", errors.Is(err, os.ErrNotExist), "error %v", err)
}

// os.Pipe: non-blocking fds in the netpoller (epoll, edge-triggered), a
// writer and a reader goroutine, a read deadline
func casePipe() {
	r, w, err := os.Pipe()
	if err != nil {
		fail("pipe", "os.Pipe: %v", err)
		return
	}
	const total = 1 << 20
	go func() {
		buf := make([]byte, 3000)
		for sent := 0; sent < total; {
			n := len(buf)
			if total-sent < n {
				n = total - sent
			}
			for i := 0; i < n; i++ {
				buf[i] = byte(sent + i)
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
			sent += n
		}
		w.Close()
	}()
	buf := make([]byte, 5000)
	got, bad := 0, 0
	for {
		n, err := r.Read(buf)
		for i := 0; i < n; i++ {
			if buf[i] != byte(got+i) {
				bad++
			}
		}
		got += n
		if err != nil {
			break
		}
	}
	r.Close()
	check("pipe", got == total && bad == 0, "read %d bytes, %d wrong", got, bad)

	r, w, err = os.Pipe()
	if err != nil {
		fail("pipe-deadline", "os.Pipe: %v", err)
		return
	}
	t0 := time.Now()
	r.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	_, err = r.Read(buf)
	el := time.Since(t0)
	check("pipe-deadline", errors.Is(err, os.ErrDeadlineExceeded) && el >= 30*time.Millisecond &&
		el < 30*time.Millisecond+slack(), "err %v after %v", err, el)
	r.Close()
	w.Close()
}

// signal.Notify: a signal sent to the process reaches the channel
func caseSignal() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGUSR2)
	seen := map[os.Signal]bool{}
	timeout := time.After(5 * time.Second)
	for len(seen) < 2 {
		select {
		case s := <-c:
			seen[s] = true
		case <-timeout:
			fail("signal-notify", "got %v in 5 s", seen)
			signal.Stop(c)
			return
		}
	}
	signal.Stop(c)
	ok("signal-notify")
}

// allocation from several goroutines with forced collections
func caseGC() {
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	var wg sync.WaitGroup
	var bad int32
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var keep *node
			for i := 0; i < 20000; i++ {
				n := &node{val: i, next: keep}
				if i%100 == 0 {
					keep = n
				}
				_ = make([]byte, 256)
			}
			cnt := 0
			for p := keep; p != nil; p = p.next {
				if p.val%100 != 0 {
					atomic.StoreInt32(&bad, 1)
				}
				cnt++
			}
			if cnt != 200 {
				atomic.StoreInt32(&bad, 1)
			}
		}(g)
	}
	for i := 0; i < 5; i++ {
		runtime.GC()
	}
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	fmt.Printf("figure gc: %d cycles, heap %d KiB\n", ms1.NumGC-ms0.NumGC, ms1.HeapAlloc/1024)
	check("gc", bad == 0 && ms1.NumGC-ms0.NumGC >= 6, "bad %d cycles %d", bad, ms1.NumGC-ms0.NumGC)
}

// two goroutines hand a token back and forth through atomics, without a
// call in the loop: with GOMAXPROCS >= 2 on two CPUs they run at the same
// time and 1000 turns take milliseconds; one CPU could pass the
// turn only when the kernel preempts a spinner (ms each)
func caseParallel() {
	if runtime.NumCPU() < 2 || runtime.GOMAXPROCS(0) < 2 {
		fmt.Printf("skip parallel: NumCPU %d GOMAXPROCS %d (needs 2 of each)\n",
			runtime.NumCPU(), runtime.GOMAXPROCS(0))
		return
	}
	const turns = 1000
	var a, b int32
	done := make(chan struct{})
	go func() {
		for i := int32(1); i <= turns; i++ {
			for atomic.LoadInt32(&a) != i {
			}
			atomic.StoreInt32(&b, i)
		}
		close(done)
	}()
	t0 := time.Now()
	for i := int32(1); i <= turns; i++ {
		atomic.StoreInt32(&a, i)
		for atomic.LoadInt32(&b) != i {
		}
	}
	<-done
	el := time.Since(t0)
	fmt.Printf("figure parallel: %v per spin handshake\n", el/turns)
	check("parallel", el < 8*time.Second, "%d handshakes took %v", turns, el)
}

// runtime.GC while goroutines spin without calls (the collector's
// stop-the-world preempts them with SIGURG) and others allocate: the
// spinners' counts and the allocated lists come out right
func caseGCLoad() {
	var stop int32
	var wg sync.WaitGroup
	counts := make([]int64, 2)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			n := int64(0)
			for atomic.LoadInt32(&stop) == 0 {
				n++
			}
			counts[g] = n
		}(g)
	}
	var bad int32
	var awg sync.WaitGroup
	for g := 0; g < 2; g++ {
		awg.Add(1)
		go func() {
			defer awg.Done()
			var keep [][]byte
			for i := 0; i < 3000; i++ {
				b := make([]byte, 512)
				b[0], b[511] = byte(i), byte(i>>8)
				if i%10 == 0 {
					keep = append(keep, b)
				}
			}
			for j, b := range keep {
				if b[0] != byte(j*10) || b[511] != byte((j*10)>>8) {
					atomic.StoreInt32(&bad, 1)
				}
			}
		}()
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	t0 := time.Now()
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	el := time.Since(t0)
	awg.Wait()
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	runtime.ReadMemStats(&ms1)
	fmt.Printf("figure gc-load: 3 collections with 2 spinning goroutines in %v\n", el)
	check("gc-load", bad == 0 && counts[0] > 0 && counts[1] > 0 && ms1.NumGC-ms0.NumGC >= 3,
		"bad %d spinner loops %v cycles %d", bad, counts, ms1.NumGC-ms0.NumGC)
}

// not part of "all": an unrecovered nil dereference; the runtime prints
// "panic: ... [signal SIGSEGV: segmentation violation code=0x1 addr=0x48 ...]"
// from the siginfo and exits 2
func caseCrash() {
	var p *node
	fmt.Println("crash: dereferencing nil")
	fmt.Println(deref(p))
}

// not part of "all": sleep 3 s (the suite measures the host CPU the idle VM uses)
func caseIdle() {
	t0 := time.Now()
	time.Sleep(3 * time.Second)
	el := time.Since(t0)
	check("idle", el >= 3*time.Second && el < 3*time.Second+slack(), "slept %v", el)
}

func main() {
	cases := []struct {
		name string
		f    func()
	}{
		{"goroutines", caseGoroutines},
		{"time", caseTime},
		{"gomaxprocs", caseGomaxprocs},
		{"panic", casePanic},
		{"nil", caseNil},
		{"args", caseArgs},
		{"file", caseFile},
		{"pipe", casePipe},
		{"signal", caseSignal},
		{"gc", caseGC},
		{"preempt", casePreempt},
		{"preempt-fpu", casePreemptFPU},
		{"parallel", caseParallel},
		{"gc-load", caseGCLoad},
		{"crash", caseCrash},
		{"idle", caseIdle},
	}
	want := map[string]bool{}
	for _, a := range os.Args[1:] {
		want[a] = true
	}
	ran := 0
	for _, c := range cases {
		explicit := want[c.name]
		if (c.name == "crash" || c.name == "idle" || c.name == "parallel" ||
			c.name == "gc-load") && !explicit {
			continue
		}
		if len(want) > 0 && !explicit && !want["all"] {
			continue
		}
		c.f()
		ran++
	}
	if ran == 0 {
		fail("usage", "no known case in %v", os.Args[1:])
	}
	if failed {
		os.Exit(1)
	}
}
