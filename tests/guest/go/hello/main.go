// hello - the smallest Go guest (tests/suites/58-go): prints a line and
// exits 0. Built with CGO_ENABLED=0 (static) by the suite.
package main

import "fmt"

func main() {
	fmt.Println("hello from go")
	fmt.Println("ok hello")
}
