import Foundation
import Testing
import LontarTokenizers

/// The scanners on hand-picked strings (expected pieces as HF `tokenizers`
/// splits them with the same regular expressions), and on random input.
@Suite struct PreTokenizerTests {
    @Test(arguments: [
        ("Hello  world's 12345", ["Hello", " ", " world", "'s", " ", "123", "45"],
         ["Hello", " ", " world", "'s", " 12345"], ["Hello", " ", " world", "'s", " ", "1", "2", "3", "4", "5"]),
        ("I'LL don't\n\n  x", ["I", "'LL", " don", "'t", "\n\n", " ", " x"],
         ["I", "'", "LL", " don", "'t", "\n\n ", " x"], ["I", "'", "LL", " don", "'t", "\n\n ", " x"]),
        ("a  1  b", ["a", " ", " ", "1", " ", " b"], ["a", " ", " 1", " ", " b"], ["a", "  ", "1", " ", " b"]),
        ("  \tx!!\r\n", ["  ", "\tx", "!!\r\n"], ["  ", "\t", "x", "!!", "\r\n"], ["  ", "\t", "x", "!!", "\r\n"]),
        ("x²³ 2024", ["x", "²³", " ", "202", "4"], ["x", "²³", " 2024"], ["x", "²", "³", " ", "2", "0", "2", "4"]),
        ("", [], [], []),
    ])
    func splitsLikeTheRegex(text: String, llama3: [String], gpt2: [String], smollm: [String]) {
        #expect(PreTokenizer.llama3.split(text) == llama3)
        #expect(PreTokenizer.gpt2.split(text) == gpt2)
        #expect(PreTokenizer.smollm.split(text) == smollm)
    }

    @Test func ggufNames() {
        #expect(PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(PreTokenizer(ggufName: "smollm") == .smollm)
        #expect(PreTokenizer(ggufName: "starcoder") == .smollm)
        #expect(PreTokenizer(ggufName: "gpt-2") == .gpt2)
        #expect(PreTokenizer(ggufName: "default") == .gpt2)
        #expect(PreTokenizer(ggufName: nil) == .gpt2)
        #expect(PreTokenizer(ggufName: "qwen2") == nil)
    }

    /// Pieces are never empty and always add up to the input, for text made
    /// of the characters the patterns treat specially.
    @Test func piecesCoverRandomText() {
        let alphabet: [String] = ["a", "Z", "é", "ß", "北", "😀", "1", "²", "٣", " ", "  ", "\t", "\n", "\r", "\r\n",
                                  "\u{A0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{1C}", "'", "'s", "'LL", "'ſ", "!",
                                  "\u{301}", "\u{200B}", "-", "<|eot_id|>", "\u{FEFF}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 2_000 {
            let text = (0 ..< Int.random(in: 0 ... 30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            for kind in PreTokenizer.allCases {
                let pieces = kind.split(text)
                #expect(pieces.joined() == text)
                #expect(!pieces.contains(""))
            }
        }
    }

    /// Bytes that are not UTF-8 are kept, each byte range exactly once.
    @Test func rangesCoverArbitraryBytes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 2_000 {
            let bytes = (0 ..< Int.random(in: 0 ... 64, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            for kind in PreTokenizer.allCases {
                let ranges = bytes.withUnsafeBufferPointer { kind.splitRanges($0) }
                var at = 0
                for r in ranges {
                    #expect(r.lowerBound == at && !r.isEmpty)
                    at = r.upperBound
                }
                #expect(at == bytes.count)
            }
        }
    }
}
