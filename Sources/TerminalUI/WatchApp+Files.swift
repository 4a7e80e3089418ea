import Course
import Foundation
import Watch

/// Noticing saves in the exercises folder: inotify, or polling where it is silent.
extension WatchApp {
    func startWatching() {
        let folder = session.course.exercisesDirectory
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            monitor = try DirectoryMonitor(
                directory: folder.path, debounce: options.debounce, settledDebounce: options.settledDebounce,
                pollInterval: options.pollInterval, useInotify: options.useInotify,
                include: { $0.hasSuffix(".py") && !$0.hasPrefix(".") },
                onChange: { [events] names in events.post(.filesChanged(names)) })
        } catch {
            watchStatus = "not watching (\(error)): press r after saving"
            return
        }
        updateWatchStatus()
    }

    func updateWatchStatus() {
        guard let monitor else { return }
        switch monitor.mode {
        case .inotify:
            watchStatus = "watching (inotify) · r grades by hand"
        case .polling(let reason):
            let (seconds, attoseconds) = monitor.pollInterval.components
            let interval = Double(seconds) + Double(attoseconds) / 1e18
            watchStatus = "checking every \(String(format: "%g", interval)) s (\(reason)) · r grades by hand"
        }
    }
}
