package org.rome4j.data;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code text} column of a local Parquet file, one row group in memory at a time (a Wikipedia dump's
 * row groups are some tens of MB). Reads with parquet-hadoop's file reader on a plain configuration and
 * {@link ParquetCodecs}, so no Hadoop configuration or file system is involved.
 */
final class ParquetTexts implements Closeable {
    private final Path file;
    private final ParquetFileReader reader;
    private final MessageType projection;
    private RecordReader<Group> rows;
    private long left;

    ParquetTexts(Path file) throws IOException {
        this.file = file;
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs()).build();
        try {
            this.reader = ParquetFileReader.open(new LocalInputFile(file), options);
        } catch (RuntimeException | IOException e) {
            // Parquet's own message names its reader object ("...LocalInputFile@41330d4f is not a Parquet file"): say it in words
            String why = e.getMessage() != null && e.getMessage().contains("magic number") ? "no Parquet magic number at its end"
                    : e.getMessage() != null && e.getMessage().contains("is not a Parquet file") ? "no Parquet footer"
                    : "unreadable footer";
            throw new IllegalArgumentException("corpus " + file + " is not a readable Parquet file (" + why + "): write it with pyarrow "
                    + "or Spark, or use " + Corpus.ACCEPTED, e);
        }
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        if (!schema.containsField("text") || !isString(schema.getType("text"))) {
            reader.close();
            throw new IllegalArgumentException("corpus " + file + " has no string column \"text\" (columns: "
                    + schema.getFields().stream().map(Type::getName).toList() + "); use " + Corpus.ACCEPTED);
        }
        this.projection = new MessageType(schema.getName(), schema.getType("text"));
        reader.setRequestedSchema(projection);
    }

    private static boolean isString(Type t) {
        return t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
                && !t.isRepetition(Type.Repetition.REPEATED);
    }

    /** The next row's text; null for a null value; throws at the end (check {@link #hasNext()}). */
    String next() throws IOException {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        left--;
        Group g = rows.read();
        return g.getFieldRepetitionCount(0) == 0 ? null : g.getString(0, 0);
    }

    /** Whether a row is left. */
    boolean hasNext() throws IOException {
        while (left == 0) {
            PageReadStore group = reader.readNextRowGroup();
            if (group == null) return false;
            rows = new ColumnIOFactory().getColumnIO(projection).getRecordReader(group, new GroupRecordConverter(projection));
            left = group.getRowCount();
        }
        return true;
    }

    /** The file, for messages. */
    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
