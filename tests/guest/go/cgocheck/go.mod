module monos.test/cgocheck

go 1.19
