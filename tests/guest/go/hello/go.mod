module monos.test/hello

go 1.19
