import Graphiti

/// The GraphQL schema: posts, courses with their lessons and the viewer's progress, the viewer, certificates by code;
/// mutations for what a learner does. Built once at start; `schema.graphql` in the contract folder is its SDL, and a
/// test fails when the two differ.
enum GraphQLSchemaDefinition {
    static func make() throws -> Schema<GraphQLResolver, GraphQLContext> {
        try Schema<GraphQLResolver, GraphQLContext> {
            Type(TaxonNode.self, as: "Taxon") {
                Field("name", at: \.name)
                Field("slug", at: \.slug)
            }
            Type(PostNode.self, as: "Post") {
                Field("slug", at: \.slug)
                Field("url", at: \.url)
                Field("title", at: \.title)
                Field("author", at: \.author)
                Field("publishedAt", at: \.publishedAt).description("RFC 3339, UTC.")
                Field("summary", at: \.summary)
                Field("readingMinutes", at: \.readingMinutes)
                Field("category", at: \.category)
                Field("tags", at: \.tags)
                Field("html", at: \.html).description("The body as HTML; only on `post(slug:)`.")
            }
            Type(LessonNode.self, as: "Lesson") {
                Field("slug", at: \.slug)
                Field("title", at: \.title)
                Field("module", at: \.module)
                Field("kind", at: \.kind).description("lesson or checkpoint.")
                Field("optional", at: \.optional)
                Field("preview", at: \.preview).description("Readable by anyone, before enrolling.")
                Field("hasQuiz", at: \.hasQuiz)
                Field("readingMinutes", at: \.readingMinutes)
                Field("completed", at: \.completed).description("Whether the viewer completed it; null unless they are enrolled.")
            }
            Type(CourseProgressNode.self, as: "CourseProgress") {
                Field("enrolled", at: \.enrolled)
                Field("completedRequired", at: \.completedRequired)
                Field("required", at: \.required)
                Field("percent", at: \.percent)
                Field("complete", at: \.complete)
                Field("certificateCode", at: \.certificateCode)
                Field("waitlistPosition", at: \.waitlistPosition).description("Only on `course(slug:)`.")
            }
            Type(CourseNode.self, as: "Course") {
                Field("slug", at: \.slug)
                Field("url", at: \.url)
                Field("title", at: \.title)
                Field("subtitle", at: \.subtitle)
                Field("level", at: \.level)
                Field("duration", at: \.duration)
                Field("price", at: \.price)
                Field("summary", at: \.summary)
                Field("enrolmentMode", at: \.enrolmentMode).description("open, code or approval.")
                Field("availability", at: \.availability).description("open, full, opens (not yet) or closed.")
                Field("seatsLeft", at: \.seatsLeft).description("Null when there is no seat limit or enrolment is not open.")
                Field("instructors", at: \.instructors)
                Field("lessons", at: \.lessons).description("The syllabus in order; lesson bodies are REST's (`/api/v1/courses/{slug}/lessons/{lesson}`).")
                Field("viewer", at: \.viewer).description("The viewer's enrolment and progress; null for an anonymous client.")
            }
            Type(EnrolmentNode.self, as: "Enrolment") {
                Field("course", at: \.course)
                Field("title", at: \.title)
                Field("percent", at: \.percent)
                Field("complete", at: \.complete)
                Field("nextLesson", at: \.nextLesson)
            }
            Type(ViewerNode.self, as: "Viewer") {
                Field("name", at: \.name)
                Field("role", at: \.role)
                Field("scope", at: \.scope).description("What this request may do: read, learn or admin.")
                Field("enrolments", at: \.enrolments)
            }
            Type(CertificateNode.self, as: "Certificate") {
                Field("code", at: \.code)
                Field("status", at: \.status).description("valid, replaced or revoked.")
                Field("learnerName", at: \.learnerName)
                Field("course", at: \.course)
                Field("courseTitle", at: \.courseTitle)
                Field("completedAt", at: \.completedAt)
            }
            Type(PlaceNode.self, as: "Place") {
                Field("course", at: \.course)
                Field("outcome", at: \.outcome).description("enrolled, already_enrolled, waitlisted or requested.")
                Field("waitlistPosition", at: \.waitlistPosition)
            }
            Type(CompletionNode.self, as: "Completion") {
                Field("course", at: \.course)
                Field("lesson", at: \.lesson)
                Field("certificateCode", at: \.certificateCode).description("The course's certificate, when the viewer holds one now.")
            }
            Type(QuizAttemptNode.self, as: "QuizAttempt") {
                Field("id", at: \.id)
                Field("score", at: \.score)
                Field("correct", at: \.correct)
                Field("total", at: \.total)
                Field("passed", at: \.passed)
                Field("correctQuestions", at: \.correctQuestions)
                Field("certificateCode", at: \.certificateCode)
            }
            Type(SubmissionNode.self, as: "Submission") {
                Field("id", at: \.id)
                Field("version", at: \.version)
                Field("status", at: \.status).description("submitted, approved or returned.")
                Field("submittedAt", at: \.submittedAt)
            }
            Input(AnswerInput.self) {
                InputField("question", at: \.question)
                InputField("values", at: \.values).description("The ids of the options chosen, or the text or number typed.")
            }
            Query {
                Field("posts", at: GraphQLResolver.posts) {
                    Argument("first", at: \.first).description("1 to 50; 10 when not given.")
                    Argument("category", at: \.category)
                    Argument("tag", at: \.tag)
                }.description("Published posts, newest first.")
                Field("post", at: GraphQLResolver.post) {
                    Argument("slug", at: \.slug)
                }
                Field("courses", at: GraphQLResolver.courses).description("The courses on offer, featured first.")
                Field("course", at: GraphQLResolver.course) {
                    Argument("slug", at: \.slug)
                }
                Field("viewer", at: GraphQLResolver.viewer).description("The caller; null for an anonymous client.")
                Field("certificate", at: GraphQLResolver.certificate) {
                    Argument("code", at: \.code)
                }.description("A certificate by the code printed on it; anyone may check one.")
            }
            Mutation {
                Field("enrol", at: GraphQLResolver.enrol) {
                    Argument("course", at: \.course)
                }.description("Enrol in an open course (the learn scope).")
                Field("leave", at: GraphQLResolver.leave) {
                    Argument("course", at: \.course)
                }.description("Leave a course; false when not enrolled. Progress is kept for a return.")
                Field("redeemCode", at: GraphQLResolver.redeemCode) {
                    Argument("course", at: \.course)
                    Argument("code", at: \.code)
                }.description("A place by access code.")
                Field("completeLesson", at: GraphQLResolver.completeLesson) {
                    Argument("course", at: \.course)
                    Argument("lesson", at: \.lesson)
                }
                Field("answerQuiz", at: GraphQLResolver.answerQuiz) {
                    Argument("course", at: \.course)
                    Argument("lesson", at: \.lesson)
                    Argument("answers", at: \.answers)
                }.description("Grade answers to a lesson's knowledge check; a pass completes the lesson.")
                Field("submitCheckpoint", at: GraphQLResolver.submitCheckpoint) {
                    Argument("course", at: \.course)
                    Argument("lesson", at: \.lesson)
                    Argument("text", at: \.text)
                    Argument("link", at: \.link)
                }.description("Send work to a checkpoint for an instructor's review.")
            }
        }
    }
}
