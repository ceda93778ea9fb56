"""Programmes cite documents of the registry instead of free text.

The text typed before is read line by line: where a number such as 25-NQ/TW can be read,
the document is registered (once per issuer and number) and linked; whatever cannot be read
stays, word for word, in `documents_note`, shown on the programme's page. Nothing is lost.
"""

import django.db.models.deletion
import simple_history.models
import datetime
import re
import unicodedata

from django.db import migrations, models

NUMBER = re.compile(
    r"(?:số\s+)?(\d+(?:/\d{4})?[-/][A-ZĐ][A-Za-zĐđ]{0,3}\d*(?:[-/][A-Z][A-Z0-9]*)?)", re.IGNORECASE
)
DATE = re.compile(r"ngày\s+(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
ISSUER = re.compile(r"\bcủa\s+(.+?)\s*(?:về\b|$)")
KINDS = [  # by the letters after the number: NQ, CT, KL, QĐi, QĐ, HD, KH, NĐ-CP, TT, QH
    ("qdi", "regulation"), ("nq", "resolution"), ("ct", "directive"), ("kl", "conclusion"),
    ("qd", "decision"), ("hd", "guidance"), ("kh", "plan"), ("nd", "decree"), ("tt", "circular"),
    ("qh", "law"),
]
ISSUERS = {"tw": "Trung ương", "cp": "Chính phủ", "qh": "Quốc hội"}


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "d")
    text = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def read_line(line):
    """(number, kind, issuer, date) from a line such as «Nghị quyết số 25-NQ/TW ngày …»."""
    match = NUMBER.search(line)
    if not match:
        return None
    number = match.group(1)
    letters = fold(re.sub(r"[^A-Za-zĐđ]", " ", number))
    kind = next((k for code, k in KINDS if code in letters.split()), "decision")
    issuer_match = ISSUER.search(line)
    suffix = letters.split()[-1] if letters.split() else ""
    issuer = issuer_match.group(1).strip(" .,;") if issuer_match else ISSUERS.get(suffix, "")
    date = DATE.search(line)
    day = None
    if date:
        try:
            day = datetime.date(int(date.group(3)), int(date.group(2)), int(date.group(1)))
        except ValueError:
            day = None
    return number, kind, issuer or "(chưa ghi cơ quan ban hành)", day


def link_documents(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Document = apps.get_model("documents", "Document")
    for program in Program.objects.exclude(documents_note=""):
        kept = []
        for line in re.split(r"[\n;]+", program.documents_note):
            line = line.strip()
            read = read_line(line) if line else None
            if read is None:
                if line:
                    kept.append(line)
                continue
            number, kind, issuer, day = read
            number_key = re.sub(r"\s+", "", fold(number))[:60]
            issuer_key = fold(issuer)[:200]
            document = Document.objects.filter(number_key=number_key, issuer_key=issuer_key).first()
            if document is None:
                document = Document.objects.create(
                    kind=kind, number=number, issuer=issuer, issued_on=day, title=line[:500],
                    number_key=number_key, issuer_key=issuer_key,
                    search_text=fold(f"{number} {line} {issuer}")[:800],
                )
            program.documents.add(document)
        program.documents_note = "\n".join(kept)
        program.save(update_fields=["documents_note"])


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
        ('programs', '0002_program_search_text'),
    ]

    operations = [
        migrations.RenameField(model_name="program", old_name="documents", new_name="documents_note"),
        migrations.RenameField(
            model_name="historicalprogram", old_name="documents", new_name="documents_note"
        ),
        migrations.AlterField(
            model_name="program",
            name="documents_note",
            field=models.TextField(blank=True, verbose_name="documents (as typed before the registry)"),
        ),
        migrations.AlterField(
            model_name="historicalprogram",
            name="documents_note",
            field=models.TextField(blank=True, verbose_name="documents (as typed before the registry)"),
        ),
        migrations.CreateModel(
            name='HistoricalProgram_documents',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('document', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='documents.document')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='programs.historicalprogram')),
                ('program', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programs.program')),
            ],
            options={
                'verbose_name': 'HistoricalProgram_documents',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='program',
            name='documents',
            field=models.ManyToManyField(blank=True, help_text='The Party or State documents this programme carries out.', related_name='programs', to='documents.document', verbose_name='documents implemented'),
        ),
        migrations.RunPython(link_documents, migrations.RunPython.noop),
    ]
