/// Reading time and word counting shared by posts and lessons.
public enum ReadingTime {
    public static let wordsPerMinute = 220

    /// Minutes to read `words` words: words ÷ 220, rounded up, never less than one.
    public static func minutes(forWords words: Int) -> Int {
        max(1, (words + wordsPerMinute - 1) / wordsPerMinute)
    }

    /// Counts runs of characters that contain at least one letter or digit, so punctuation alone is not a word.
    public static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        var wordHasAlnum = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                if inWord && wordHasAlnum { count += 1 }
                inWord = false
                wordHasAlnum = false
            } else {
                inWord = true
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { wordHasAlnum = true }
            }
        }
        if inWord && wordHasAlnum { count += 1 }
        return count
    }
}
