/// "1 seat", "2 seats": a count with its noun in agreement.
public enum Counted {
    public static func text(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
