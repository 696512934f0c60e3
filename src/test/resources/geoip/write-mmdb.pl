#!/usr/bin/perl
# Writes a MaxMind database with MaxMind's own writer, for the GeoIP tests.
# Usage: write-mmdb.pl TYPE OUT < records
#   TYPE GeoLite2-ASN:     lines "NETWORK<TAB>NUMBER<TAB>ORGANISATION"
#   TYPE GeoLite2-Country: lines "NETWORK<TAB>ISO_CODE<TAB>ENGLISH_NAME<TAB>GEONAME_ID"
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($type, $out) = @ARGV;
die "usage: write-mmdb.pl TYPE OUT < records\n" unless defined $out;

my %types = (
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    country                        => 'map',
    iso_code                       => 'utf8_string',
    names                          => 'map',
    en                             => 'utf8_string',
    geoname_id                     => 'uint32',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,
    record_size              => 24,
    database_type            => $type,
    languages                => ['en'],
    description              => { en => "fastnetmon test $type" },
    remove_reserved_networks => 0, # the tests use documentation ranges
    map_key_type_callback    => sub { $types{ $_[0] } },
);

binmode STDIN, ':encoding(UTF-8)';
while (my $line = <STDIN>) {
    chomp $line;
    next if $line eq '';
    my @f = split /\t/, $line, -1;
    if ($type =~ /ASN/) {
        $tree->insert_network($f[0], {
            autonomous_system_number       => $f[1],
            autonomous_system_organization => $f[2],
        });
    } else {
        $tree->insert_network($f[0], {
            country => { iso_code => $f[1], names => { en => $f[2] }, geoname_id => $f[3] },
        });
    }
}

open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot write $out: $!\n";
