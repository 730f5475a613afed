//! Tables kept by triggers (issue 12, class 7).
