package org.rome4j.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;

/**
 * One line, in words, for a failure that bad input caused: what went wrong with which file and what
 * to do, never a Java class name or a stack trace. The CLI prints it (exit 2); the kernel shows it.
 */
public final class Problems {
    private Problems() { }

    /** The message for {@code t}, one line. */
    public static String oneLine(Throwable t) {
        Throwable c = t;
        while ((c instanceof UncheckedIOException || c instanceof java.util.concurrent.ExecutionException
                || c instanceof java.util.concurrent.CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return firstLine(describe(c));
    }

    private static String describe(Throwable t) {
        String file = t instanceof FileSystemException f ? f.getFile() : null;
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + file + ": check the file's and its folder's permissions";
        }
        if (t instanceof NoSuchFileException) return "no such file or folder: " + file;
        if (t instanceof DirectoryNotEmptyException) return file + " is a folder that is not empty: choose another path";
        if (t instanceof FileAlreadyExistsException) return file + " already exists: choose another path";
        if (t instanceof NotDirectoryException) return file + " is not a folder";
        if (t instanceof FileSystemException f) {
            String reason = f.getReason() == null ? "cannot access it" : f.getReason().toLowerCase(java.util.Locale.ROOT);
            return file + ": " + reason;
        }
        if (t instanceof JsonProcessingException j) {
            JsonLocation at = j.getLocation();
            return "invalid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + firstLine(j.getOriginalMessage()).replaceAll("\\s*\\(start marker at .*|\\s*at \\[Source.*", "");
        }
        if (t instanceof ZipException z) return "not a valid .npz (zip) file: " + nonNull(z.getMessage()) + "; write it again";
        if (t instanceof java.nio.charset.CharacterCodingException) {
            return "the input is not UTF-8 text (a binary file?): pass a text file";
        }
        if (t instanceof EOFException) return "the file ends early (truncated): write or download it again";
        // network failures: HttpClient's carry no message, or the JDK's class in it
        if (t instanceof java.net.ConnectException) return "cannot connect to the server (refused or unreachable): check the address and that it is up";
        if (t instanceof java.net.UnknownHostException) return "unknown host " + nonNull(t.getMessage()) + ": check the address and the network";
        if (t instanceof java.net.http.HttpTimeoutException || t instanceof java.net.SocketTimeoutException) {
            return "the server did not answer in time: try again, or check the network";
        }
        if (t instanceof java.net.http.HttpConnectTimeoutException) return "could not connect in time: check the address and the network";
        if (t instanceof NumberFormatException n) return "not a number: " + nonNull(n.getMessage()).replace("For input string: ", "");
        boolean bug = t instanceof NullPointerException || t instanceof IndexOutOfBoundsException || t instanceof ClassCastException
                || t instanceof ArithmeticException || t instanceof NegativeArraySizeException || t instanceof ArrayStoreException
                || t instanceof java.util.ConcurrentModificationException || t instanceof java.util.NoSuchElementException
                || t instanceof Error || t.getMessage() == null || t.getMessage().isBlank();
        if (!bug) return t.getMessage();
        // a bug reached by bad input: say so in words; the class name and the JDK's wording help no user
        return "internal error: please report it with the command line that caused it";
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
