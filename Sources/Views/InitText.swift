import Course
import GitStore
import Workshop

/// What `asynclings init` says it did: the repository or branch, and what to do next.
public enum InitText {
    public static func describe(_ outcome: CourseRepository.Outcome) -> String {
        switch outcome {
        case .created(let workdir, let commit, let branch):
            var text = "Created a git repository in \(workdir) and committed the course on \(CourseRepository.mainBranch) (\(commit.shortHex))."
            if branch != CourseRepository.mainBranch {
                text += "\nYou are on \(branch): every lesson you pass is recorded there (`asynclings check`)."
                text += "\nTo share it: `git remote add origin URL`, then `git push -u origin \(branch)`."
            } else {
                text += "\nNext: `asynclings init --learner NAME` puts your progress on a branch of your own."
            }
            return text
        case .explained(let workdir, let head, let isBare):
            var text = "This is already a git repository"
            if let workdir { text += " (\(workdir))" }
            if isBare {
                return text + ", a bare one: nothing was changed. Learners clone it and run "
                    + "`asynclings init --learner NAME` in their clone; `asynclings class` here shows the room."
            }
            switch head {
            case .branch(let name)?, .unborn(let name)?:
                text += ", on branch \(name). Nothing was changed."
                if LearnerBranch.isLearnerBranch(name) {
                    text += "\nYour passes are recorded on \(name); `asynclings progress` lists them."
                    return text
                }
            case .detached(let id)?:
                text += ", with HEAD detached at \(id.shortHex). Nothing was changed."
            case nil:
                text += ". Nothing was changed."
            }
            text += "\n`asynclings init --learner NAME` would create the branch learner/NAME here and switch to it "
                + "(only HEAD moves; your files and staged changes stay as they are), so your passes are recorded there."
            return text
        case .learnerBranch(let name, let change, let upstream):
            var text: String
            switch change {
            case .alreadyOn:
                text = "You are already on \(name)."
            case .switchedToExisting:
                text = "Switched to your existing branch \(name)."
            case .restoredFromRemote(let remoteBranch):
                text = "Switched to \(name), restored from \(remoteBranch) with the passes you pushed."
            case .created(let unborn):
                text = "Created \(name) and switched to it; your files were left as they are."
                if unborn { text += " (The repository has no commit yet: your first pass creates one.)" }
            }
            text += "\nEvery lesson you pass with `asynclings check` is recorded on \(name)."
            if let upstream {
                text += "\n`git push` publishes it to \(upstream)."
            } else {
                text += "\nThere is no remote to push to yet; add one with `git remote add origin URL`."
            }
            return text
        }
    }
}
