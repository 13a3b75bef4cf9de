/// SQL: keywords and types in any case, '…' strings with '' escapes, -- and /* */ comments, numbers, a few functions.
extension CodeScanner {
    static let sqlKeywords: Set<String> = [
        "ADD", "ALL", "ALTER", "ANALYZE", "AND", "ANY", "AS", "ASC", "AUTOINCREMENT", "BEGIN", "BETWEEN", "BIGINT",
        "BIGSERIAL", "BLOB", "BOOLEAN", "BY", "CASCADE", "CASE", "CHAR", "CHECK", "COLLATE", "COLUMN", "COMMIT",
        "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "DATE", "DECIMAL", "DEFAULT", "DELETE", "DESC", "DISTINCT", "DO",
        "DOUBLE", "DROP", "ELSE", "END", "EXCEPT", "EXISTS", "EXPLAIN", "FLOAT", "FOREIGN", "FROM", "FULL", "GRANT",
        "GROUP", "HAVING", "IF", "ILIKE", "IN", "INDEX", "INNER", "INSERT", "INT", "INTEGER", "INTERSECT", "INTO", "IS",
        "JOIN", "JSON", "JSONB", "KEY", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "NOTHING", "NULL", "NUMERIC",
        "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRAGMA", "PRECISION", "PRIMARY", "REAL",
        "REFERENCES", "RENAME", "REPLACE", "RETURNING", "REVOKE", "RIGHT", "ROLLBACK", "SELECT", "SERIAL", "SET",
        "SMALLINT", "TABLE", "TEMP", "TEMPORARY", "TEXT", "THEN", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "TO",
        "TRANSACTION", "TRIGGER", "UNION", "UNIQUE", "UPDATE", "USING", "UUID", "VACUUM", "VALUES", "VARCHAR", "VIEW",
        "WHEN", "WHERE", "WINDOW", "WITH",
    ]
    static let sqlLiterals: Set<String> = ["TRUE", "FALSE"]
    /// Marked only when called: `count(*)`, `lower(email)`.
    static let sqlFunctions: Set<String> = [
        "ABS", "AVG", "CAST", "COALESCE", "CONCAT", "COUNT", "LENGTH", "LOWER", "MAX", "MIN", "NOW", "NULLIF", "ROUND",
        "SUBSTR", "SUBSTRING", "SUM", "TRIM", "UPPER",
    ]

    mutating func scanSQL() {
        while pos < count {
            let c = src[pos]
            if c == "-" && self[pos + 1] == "-" {
                markCommentToLineEnd()
            } else if c == "/" && self[pos + 1] == "*" {
                let end = endOfNext("*/", from: pos + 2)
                mark(.comment, pos, end)
                pos = end
            } else if c == "'" {
                var i = pos + 1
                var end = count
                while i < count {
                    if src[i] == "'" {
                        if self[i + 1] == "'" {
                            i += 2  // '' is a quote inside the string
                            continue
                        }
                        end = i + 1
                        break
                    }
                    i += 1
                }
                mark(.string, pos, end)
                pos = end
            } else if c == "\"" || c == "`" {
                pos = endOfQuoted(from: pos, escapes: false, multiline: true)  // a quoted name: plain, not keywords
            } else if c.isASCIIDigit || (c == "." && self[pos + 1].isASCIIDigit) {
                let end = endOfNumber(from: pos)
                mark(.number, pos, end)
                pos = end
            } else if c.isNameStart {
                let end = skip(from: pos) { $0.isNameContinue || $0 == "$" }
                let word = text(pos, end).uppercased()
                if Self.sqlKeywords.contains(word) {
                    mark(.keyword, pos, end)
                } else if Self.sqlLiterals.contains(word) {
                    mark(.literal, pos, end)
                } else if self[end] == "(" && Self.sqlFunctions.contains(word) {
                    mark(.function, pos, end)
                }
                pos = end
            } else {
                pos += 1
            }
        }
    }
}
