import Testing

@Test func RenderTestsPlaceholder() { #expect(1 + 1 == 2) }
