"""stategen's tests of the runtime every generated project carries, on the example's package."""
