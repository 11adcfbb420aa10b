package org.rome4j.data;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes Parquet corpora for tests with parquet-hadoop's own writer: an int64 {@code id} and a nullable string {@code text}. */
public final class ParquetFiles {
    private ParquetFiles() { }

    /**
     * Writes {@code texts} (a null is a null value) in row groups of about {@code rowGroupBytes}.
     *
     * @param textColumn the string column's name ({@code text} for a corpus)
     */
    public static void write(Path file, List<String> texts, CompressionCodecName codec, long rowGroupBytes, String textColumn)
            throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).named("id")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(textColumn)
                .named("document");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
                .withConf(new PlainParquetConfiguration()).withCodecFactory(new ParquetCodecs()).withCompressionCodec(codec)
                .withRowGroupSize(rowGroupBytes).withPageSize(1024).withDictionaryEncoding(true).build()) {
            SimpleGroupFactory f = new SimpleGroupFactory(schema);
            for (int i = 0; i < texts.size(); i++) {
                Group g = f.newGroup().append("id", (long) i);
                if (texts.get(i) != null) g.append(textColumn, texts.get(i));
                w.write(g);
            }
        }
    }

    /** The number of row groups in a file. */
    public static int rowGroups(Path file) throws IOException {
        try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file),
                org.apache.parquet.ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(new ParquetCodecs()).build())) {
            return r.getRowGroups().size();
        }
    }
}
