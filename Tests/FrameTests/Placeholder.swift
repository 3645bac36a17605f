import Testing

@Test func FrameTestsPlaceholder() { #expect(1 + 1 == 2) }
