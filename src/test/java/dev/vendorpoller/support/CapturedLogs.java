package dev.vendorpoller.support;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line of the JVM while open (root logger, any level the configuration lets through), formatted message and
 * stack trace text included: for tests that assert what never reaches a log (secrets).
 */
public final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final LoggerConfig root;

    public CapturedLogs() {
        appender = new AbstractAppender("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                    line.append(" | ").append(t);
                }
                synchronized (lines) {
                    lines.add(line.toString());
                }
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        root = context.getConfiguration().getRootLogger();
        root.addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        root.removeAppender(appender.getName());
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
        appender.stop();
    }
}
