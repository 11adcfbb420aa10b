package org.rome4j.spark;

import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.List;

/** Array columns of external rows are Scala sequences. */
final class Rows {
    private Rows() { }

    static Seq<Object> seq(double[] xs) {
        List<Object> l = new ArrayList<>(xs.length);
        for (double x : xs) l.add(x);
        return seq(l);
    }

    static Seq<Object> seq(List<Object> xs) {
        return CollectionConverters.asScala(xs);
    }
}
