import Foundation
import Hummingbird
import LecternCore
import LecternServices
import LecternStore

/// Builds the course page's view for any visitor; the course and lesson controllers share it.
struct CoursePresenter: Sendable {
    /// Courses (kept per site revision, so a page reads only the learner's part) and their learners' parts.
    let catalogue: Catalogue
    let renderer: PageRenderer
    /// Notices after enrolling, leaving or completing a lesson.
    let flash: FlashCookie

    /// The course as this visitor sees it (with their enrolment and progress), in one read.
    func learnerCourse(_ slug: String, context: AppRequestContext) async throws -> LearnerCourse {
        try await catalogue.learnerCourse(slug, userID: context.session?.user?.id)
    }

    func page(_ learner: LearnerCourse, context: AppRequestContext, now: Date = Date()) -> CoursePageView {
        let course = learner.course
        let slug = course.summary.slug
        let user = context.session?.user
        let enrolled = learner.isEnrolled
        let progress = learner.progress
        let canRead = enrolled || user?.role == .admin
        let modules = syllabus(learner, canRead: canRead, now: now)

        let cta = callToAction(learner, context: context, now: now)

        var dates: [String] = []
        // An operator's open or close overrides the content's dates, so those would only mislead.
        if course.operatorSettings.enrolment == nil, let opens = course.enrolmentOpens {
            dates.append("Enrolment opens \(renderer.dates.long(opens))")
        }
        if course.operatorSettings.enrolment == nil, let closes = course.enrolmentCloses { dates.append("closes \(renderer.dates.long(closes))") }

        return CoursePageView(
            site: renderer.site,
            meta: renderer.meta(
                title: course.summary.title, description: course.summary.summary, path: "/courses/\(slug)", section: "courses",
                session: context.session),
            slug: slug,
            title: course.summary.title,
            subtitle: course.summary.subtitle,
            level: course.summary.level,
            duration: course.summary.duration,
            price: course.summary.price,
            priceIncludes: course.priceIncludes,
            descriptionHTML: course.descriptionHTML,
            benefits: course.summary.benefits,
            outcomes: course.outcomes,
            instructors: renderer.people(course.instructors),
            hasInstructors: !course.instructors.isEmpty,
            modules: modules,
            lessonCount: course.lessons.count,
            studyTime: Self.studyTime(course.lessons),
            startsOn: course.startsOn.map { "Starts on \(renderer.dates.long($0))" },
            // The same words as the catalogue card, the home page and the promo box (`AvailabilityView`).
            seats: AvailabilityView(course.availability(at: now), dates: renderer.dates).text,
            dates: dates.isEmpty ? nil : dates.joined(separator: ", "),
            cta: cta,
            progress: enrolled ? progress.map { ProgressView($0, certified: learner.certificateCode != nil, unverified: user?.isEmailVerified == false) } : nil,
            certificateCode: learner.certificateCode,
            isEnrolled: enrolled,
            notice: nil,
            problem: nil
        )
    }

    /// The enrolment panel: for an enrolled learner the way back in; for anyone else what they can do to get a place
    /// in this course's mode and state, or why they cannot now.
    func callToAction(_ learner: LearnerCourse, context: AppRequestContext, now: Date) -> CallToActionView {
        let course = learner.course
        let slug = course.summary.slug
        var cta = CallToActionView()
        if learner.isEnrolled {
            let next = Self.continueLesson(learner)
            cta.continueURL = next.map { "/courses/\(slug)/lessons/\($0.slug)" }
            cta.continueLabel = (learner.progress?.completedLessonIDs.isEmpty ?? true) ? "Start the first lesson" : "Continue learning"
            return cta
        }
        let mode = course.enrolmentMode
        let state = course.enrolmentState(at: now)
        switch mode {
        case .open: break
        case .code:
            cta.modeNote =
                "Places are sold by the school: pay by invoice or purchase order (or receive a scholarship) and you get an access code to enter here."
        case .approval:
            cta.modeNote = "Places are given by the school: ask for one and you will hear by mail. A request holds a seat while the school decides."
        }
        // Closed or not yet open: the availability line above says so and when; nothing here to fill in.
        let takesPlaces: Bool
        switch state {
        case .notYetOpen: takesPlaces = false
        case .closed:
            takesPlaces = false
            cta.modeNote = nil
        case .open, .full: takesPlaces = true
        }
        guard let session = context.session, session.user != nil else {
            guard takesPlaces else { return cta }
            cta.signUpURL = "/register?enrol=\(slug)"
            cta.loginURL = "/login?enrol=\(slug)"
            (cta.signUpLabel, cta.signUpNote) =
                switch (mode, state) {
                case (.open, .full): ("Join the waitlist", "Create your account and you join the waitlist in the same step.")
                case (.open, _): ("Enrol now", "Create your account and you are enrolled in the same step.")
                case (.code, _): ("Enter your access code", "Create your account, then enter the code the school sent you.")
                case (.approval, _): ("Ask for a place", "Create your account, then ask for your place.")
                }
            return cta
        }
        cta.csrf = session.csrfToken
        // Once the learner has asked or waits, where they stand replaces how places are given.
        if learner.waitlistPosition != nil || learner.request?.status == .pending { cta.modeNote = nil }
        if let position = learner.waitlistPosition {
            cta.statusText =
                mode == .approval
                ? "Your request waits for a seat: you are number \(position) in line. It goes to the school as soon as a seat frees."
                : "You are number \(position) on the waitlist. When a seat is yours you are enrolled and we mail you."
            cta.withdrawAction = mode == .approval ? "/courses/\(slug)/request/withdraw" : "/courses/\(slug)/waitlist/leave"
            cta.withdrawLabel = mode == .approval ? "Withdraw my request" : "Leave the waitlist"
            return cta
        }
        if let request = learner.request {
            switch request.status {
            case .pending:
                cta.statusText = "You asked for a place on \(renderer.dates.long(request.requestedAt)). The school will mail you its decision."
                cta.withdrawAction = "/courses/\(slug)/request/withdraw"
                cta.withdrawLabel = "Withdraw my request"
                return cta
            case .declined:
                cta.statusText =
                    "Your request of \(renderer.dates.long(request.requestedAt)) was declined."
                    + (request.reason.map { " The school said: “\($0)”" } ?? "") + " You may ask again."
            case .approved, .withdrawn: break
            }
        }
        guard takesPlaces else { return cta }
        switch mode {
        case .open:
            if state == .full { cta.showWaitlistJoin = true } else { cta.showEnrol = true }
        case .code: cta.showCodeForm = true
        case .approval: cta.showRequestForm = true
        }
        if state == .full, mode != .open {
            cta.closedMessage =
                mode == .code
                ? "Every seat is taken. A code entered now keeps your paid place on the waitlist, first come first served."
                : "Every seat is taken. A request made now waits on the waitlist and goes to the school when a seat frees."
        }
        return cta
    }

    /// Where a learner picks up: the lesson they opened last, else the first required lesson not done, else the first.
    static func continueLesson(_ learner: LearnerCourse) -> LessonSummary? {
        let lessons = learner.course.lessons
        let done = learner.progress?.completedLessonIDs ?? []
        if let last = learner.lastLessonID, let lesson = lessons.first(where: { $0.id == last }) { return lesson }
        return lessons.first { !$0.isOptional && !done.contains($0.id) } ?? lessons.first
    }

    /// The modules and lessons with each lesson's state for this visitor; `current` is the lesson on screen.
    func syllabus(_ learner: LearnerCourse, canRead: Bool, current: Int64? = nil, now: Date = Date()) -> [SyllabusModuleView] {
        let course = learner.course
        let done = learner.progress?.completedLessonIDs ?? []
        var number = 0
        return course.modules.enumerated().map { index, module in
            let days = index < course.moduleOpensAfterDays.count ? course.moduleOpensAfterDays[index] : 0
            let opens = ModuleSchedule.lockedUntil(
                module: module, modules: course.modules, opensAfterDays: course.moduleOpensAfterDays, enrolledAt: learner.enrolledAt, now: now)
            let opensText =
                opens.map { "Opens on \(renderer.dates.long($0))" }
                ?? (learner.enrolledAt == nil && days > 0 ? "Opens \(days) day\(days == 1 ? "" : "s") after you enrol" : nil)
            let lessons = course.lessons.filter { $0.module == module }.map { lesson in
                number += 1
                let lessonLocked = course.lockedUntil(lesson, enrolledAt: learner.enrolledAt, now: now) != nil
                var view = SyllabusLessonView(
                    title: lesson.title,
                    url: !lessonLocked && (canRead || lesson.isPreview) ? "/courses/\(course.summary.slug)/lessons/\(lesson.slug)" : nil,
                    minutes: lesson.readingMinutes + lesson.exerciseMinutes, isOptional: lesson.isOptional, isDone: done.contains(lesson.id),
                    number: number)
                view.lessonID = Int(lesson.id)
                view.duration = SyllabusLessonView.duration(minutes: view.minutes)
                view.isCurrent = lesson.id == current
                view.isLocked = lessonLocked
                view.opens = lessonLocked ? opensText : nil
                view.isPreview = lesson.isPreview && !learner.isEnrolled
                view.isCheckpoint = lesson.kind == .checkpoint
                view.state =
                    view.isDone ? "done" : view.isCurrent ? "current lesson" : lessonLocked ? (opensText ?? "locked").lowercased() : "not started"
                return view
            }
            return SyllabusModuleView(title: module, number: index + 1, lessons: lessons, opens: opensText)
        }
    }

    /// "About 31 hours of study: 1 hour of reading and 30 hours of exercises and checkpoints", from the lessons' front matter.
    static func studyTime(_ lessons: [LessonSummary]) -> String {
        let reading = lessons.map(\.readingMinutes).reduce(0, +)
        let practice = lessons.map(\.exerciseMinutes).reduce(0, +)
        func amount(_ minutes: Int) -> String {
            guard minutes >= 90 else { return "\(minutes) minute\(minutes == 1 ? "" : "s")" }
            let hours = Int((Double(minutes) / 60).rounded())
            return "\(hours) hour\(hours == 1 ? "" : "s")"
        }
        guard practice > 0 else { return "about \(amount(reading)) of reading" }
        return "about \(amount(reading + practice)) of study: \(amount(reading)) of reading and \(amount(practice)) of exercises and checkpoints"
    }
}
