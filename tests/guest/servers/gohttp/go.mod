module monos.test/gohttp

go 1.19
