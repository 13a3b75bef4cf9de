import Foundation
import LecternCore

// The rules of the content import that are not SQL, shared by the SQLite and PostgreSQL backends.

/// When an import has nothing to write, and what the changed post files do to the stored posts.
enum ContentImport {
    /// A post row as the import finds it.
    struct StoredPost: Sendable {
        var id: Int64
        var slug: String
        var sourcePath: String?
        var isRemoved: Bool
    }

    /// What one changed post file does to the stored posts.
    enum PostAction: Sendable {
        /// The row with the file's slug takes the file's content (and is public again if it was removed).
        case update(id: Int64, PostDocument)
        case insert(PostDocument)
    }

    /// The changes to the posts, in the order the files were read.
    struct PostPlan: Sendable {
        var actions: [PostAction] = []
        /// Rows no file claims any more, by id: unpublished, keeping their views.
        var unpublish: [Int64] = []
        /// Changed files refused because a file still there already uses their slug.
        var problems: [ContentProblem] = []
        /// Files whose hash matched the stored one.
        var unchanged = 0

        /// The existing rows the plan writes (updated or unpublished).
        var writtenIDs: [Int64] {
            actions.compactMap { action -> Int64? in
                guard case .update(let id, _) = action else { return nil }
                return id
            } + unpublish
        }

        /// Adds what the plan does to the import's report.
        func record(in report: inout SyncReport) {
            report.problems += problems
            report.unchanged = unchanged
            for action in actions {
                switch action {
                case .update: report.updated += 1
                case .insert: report.created += 1
                }
            }
            report.unpublished += unpublish.count
        }
    }

    /// Each changed file updates the row with its slug or inserts one, unless another file still there owns that slug.
    /// Files still there that were not re-parsed (unchanged, or refused this time) keep the slugs they had; a row no
    /// file claims is unpublished, unless its own file was refused this time (what was stored from it stays).
    static func plan(_ scan: ContentScan<PostDocument>, stored: [StoredPost]) -> PostPlan {
        let bySlug = Dictionary(stored.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        let keptPaths = Set(scan.unchangedPaths + scan.failedPaths)
        let failedPaths = Set(scan.failedPaths)
        var claimed = Set(stored.filter { !$0.isRemoved && $0.sourcePath.map(keptPaths.contains) == true }.map(\.slug))
        var plan = PostPlan()
        plan.unchanged = scan.unchangedPaths.count
        for post in scan.changed {
            if let existing = bySlug[post.slug] {
                if let owner = existing.sourcePath, owner != post.sourcePath, !existing.isRemoved, keptPaths.contains(owner) {
                    plan.problems.append(ContentProblem(path: post.sourcePath, reason: "duplicate slug '\(post.slug)': \(owner) already uses it"))
                    continue
                }
                plan.actions.append(.update(id: existing.id, post))
            } else {
                plan.actions.append(.insert(post))
            }
            claimed.insert(post.slug)
        }
        for post in stored where !post.isRemoved && !claimed.contains(post.slug) {
            if let path = post.sourcePath, failedPaths.contains(path) { continue }
            plan.unpublish.append(post.id)
        }
        return plan
    }

    /// Pages and author profiles as "<source path>:<content hash>", the form both backends read them back in.
    static func pageKeys(of snapshot: ContentSnapshot) -> Set<String> {
        Set(snapshot.pages.map { "\($0.sourcePath):\($0.contentHash)" } + snapshot.authors.map { "\($0.sourcePath):\($0.contentHash)" })
    }

    /// Whether every post, course and lesson file is as stored and none is gone (`known`: the paths stored).
    static func isUnchanged(_ snapshot: ContentSnapshot, known: Set<String>) -> Bool {
        let scans: [(changed: Int, failed: Int, stamps: Int, unchanged: [String])] = [
            (snapshot.posts.changed.count, snapshot.posts.failedPaths.count, snapshot.posts.stamps.count, snapshot.posts.unchangedPaths),
            (snapshot.courses.changed.count, snapshot.courses.failedPaths.count, snapshot.courses.stamps.count, snapshot.courses.unchangedPaths),
            (snapshot.lessons.changed.count, snapshot.lessons.failedPaths.count, snapshot.lessons.stamps.count, snapshot.lessons.unchangedPaths),
        ]
        guard scans.allSatisfy({ $0.changed == 0 && $0.failed == 0 && $0.stamps == 0 }) else { return false }
        return Set(scans.flatMap(\.unchanged)) == known
    }

    /// The report of an import that found nothing to write.
    static func unchangedReport(_ snapshot: ContentSnapshot) -> SyncReport {
        var report = SyncReport()
        report.problems = snapshot.problems
        report.unchanged = snapshot.posts.unchangedPaths.count
        report.coursesUnchanged = snapshot.courses.unchangedPaths.count
        report.lessonsUnchanged = snapshot.lessons.unchangedPaths.count
        return report
    }
}
