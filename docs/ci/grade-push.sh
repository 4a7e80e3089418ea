#!/bin/sh
# Regrades one learner branch of the room, in CI, with the checks of the room's main:
# docs/ci/github-actions.yml and docs/ci/gitlab-ci.yml run it once asynclings is built.
#
#   sh docs/ci/grade-push.sh learner/ada
#
# Writes asynclings-junit.xml (JUnit XML: a test case per lesson, for the CI's test report)
# and asynclings.html (the class view of that one learner). Exits as `asynclings class
# --regrade` does: 1 when a pass recorded on the branch does not grade as a pass now.
#
# ASYNCLINGS                    the binary (default .build/release/asynclings)
# ASYNCLINGS_COURSE_BRANCH      the branch whose checks are trusted (default main)
# ASYNCLINGS_UNSANDBOXED_IN_CI  1: grade even where bubblewrap cannot start (see WORKSHOP.md)
set -eu

branch=${1:?usage: grade-push.sh learner/NAME}
asynclings=${ASYNCLINGS:-.build/release/asynclings}
course_branch=${ASYNCLINGS_COURSE_BRANCH:-main}

case "$branch" in
    learner/*) ;;
    *) echo "grade-push.sh: $branch is not a learner/... branch: nothing to grade"; exit 0 ;;
esac

# The pushed branch and the room's main as remote-tracking branches: the class view reads
# the first, and trusts the lessons and checks of the second, never the learner's copies.
git fetch --quiet origin "+refs/heads/$course_branch:refs/remotes/origin/$course_branch" \
    "+refs/heads/$branch:refs/remotes/origin/$branch"
# A local copy of the branch (GitHub's checkout makes one) would be a second row of the
# same learner: the job's clone is disposable, so it goes and HEAD stays where it is.
git checkout --quiet --detach
git branch --quiet -D "$branch" 2>/dev/null || true

set -- --regrade --remote origin --branches "$branch" --course-ref "origin/$course_branch" \
    --junit asynclings-junit.xml --html asynclings.html
if [ "${ASYNCLINGS_UNSANDBOXED_IN_CI:-}" = 1 ]; then
    set -- "$@" --unsafe-regrade-without-sandbox
fi
NO_COLOR=1 exec "$asynclings" class "$@"
