using System.Text;
using System.Xml;

namespace Astrolabe.Tap.Uws;

/// <summary>UWS 1.1 XML documents: the job list and a job (UWS 1.1 §3, schema http://www.ivoa.net/xml/UWS/v1.0).</summary>
internal static class UwsXml
{
    public const string Namespace = "http://www.ivoa.net/xml/UWS/v1.0";
    private const string XLink = "http://www.w3.org/1999/xlink";
    private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private static XmlWriter Create(StringBuilder text) => XmlWriter.Create(text, new XmlWriterSettings
    {
        Indent = true,
        Encoding = Encoding.UTF8,
    });

    public static string JobList(IEnumerable<UwsJob> jobs, string asyncUrl)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("uws", "jobs", Namespace);
            xml.WriteAttributeString("xmlns", "xlink", null, XLink);
            xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
            xml.WriteAttributeString("version", "1.1");
            foreach (var job in jobs)
            {
                xml.WriteStartElement("uws", "jobref", Namespace);
                xml.WriteAttributeString("id", job.Id);
                xml.WriteAttributeString("xlink", "type", XLink, "simple");
                xml.WriteAttributeString("xlink", "href", XLink, $"{asyncUrl}/{job.Id}");
                xml.WriteElementString("uws", "phase", Namespace, job.Phase);
                if (job.RunId is not null)
                {
                    xml.WriteElementString("uws", "runId", Namespace, job.RunId);
                }
                if (job.Owner is not null)
                {
                    xml.WriteElementString("uws", "ownerId", Namespace, job.Owner);
                }
                xml.WriteElementString("uws", "creationTime", Namespace, JobStore.Time(job.CreationTime));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    public static string Job(UwsJob job, string jobUrl)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("uws", "job", Namespace);
            xml.WriteAttributeString("xmlns", "xlink", null, XLink);
            xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
            xml.WriteAttributeString("version", "1.1");
            xml.WriteElementString("uws", "jobId", Namespace, job.Id);
            if (job.RunId is not null)
            {
                xml.WriteElementString("uws", "runId", Namespace, job.RunId);
            }
            Nillable(xml, "ownerId", job.Owner);
            xml.WriteElementString("uws", "phase", Namespace, job.Phase);
            Nillable(xml, "quote", null);
            xml.WriteElementString("uws", "creationTime", Namespace, JobStore.Time(job.CreationTime));
            Nillable(xml, "startTime", job.StartTime is { } s ? JobStore.Time(s) : null);
            Nillable(xml, "endTime", job.EndTime is { } e ? JobStore.Time(e) : null);
            xml.WriteElementString("uws", "executionDuration", Namespace, job.ExecutionDuration.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Nillable(xml, "destruction", JobStore.Time(job.Destruction));
            WriteParameters(xml, job);
            xml.WriteStartElement("uws", "results", Namespace);
            if (job.Phase == UwsPhase.Completed && job.ResultFile is not null)
            {
                WriteResult(xml, job, jobUrl);
            }
            xml.WriteEndElement();
            if (job.Phase == UwsPhase.Error)
            {
                xml.WriteStartElement("uws", "errorSummary", Namespace);
                xml.WriteAttributeString("type", "fatal");
                xml.WriteAttributeString("hasDetail", "true");
                xml.WriteElementString("uws", "message", Namespace, job.Error ?? "The job failed.");
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    public static string Results(UwsJob job, string jobUrl)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("uws", "results", Namespace);
            xml.WriteAttributeString("xmlns", "xlink", null, XLink);
            if (job.Phase == UwsPhase.Completed && job.ResultFile is not null)
            {
                WriteResult(xml, job, jobUrl);
            }
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    public static string Parameters(UwsJob job)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            WriteParameters(xml, job, declareNamespace: true);
        }
        return Utf8(text);
    }

    private static void WriteResult(XmlWriter xml, UwsJob job, string jobUrl)
    {
        xml.WriteStartElement("uws", "result", Namespace);
        xml.WriteAttributeString("id", "result");
        xml.WriteAttributeString("xlink", "type", XLink, "simple");
        xml.WriteAttributeString("xlink", "href", XLink, $"{jobUrl}/results/result");
        if (job.ResultType is not null)
        {
            xml.WriteAttributeString("mime-type", job.ResultType);
        }
        xml.WriteEndElement();
    }

    private static void WriteParameters(XmlWriter xml, UwsJob job, bool declareNamespace = false)
    {
        xml.WriteStartElement("uws", "parameters", Namespace);
        if (declareNamespace)
        {
            xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
        }
        foreach (var (name, value) in job.Parameters.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            xml.WriteStartElement("uws", "parameter", Namespace);
            xml.WriteAttributeString("id", name.ToLowerInvariant());
            xml.WriteString(value);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Nillable(XmlWriter xml, string name, string? value)
    {
        xml.WriteStartElement("uws", name, Namespace);
        if (value is null)
        {
            xml.WriteAttributeString("xsi", "nil", Xsi, "true");
        }
        else
        {
            xml.WriteString(value);
        }
        xml.WriteEndElement();
    }

    // StringBuilder-backed writers declare UTF-16; the bytes sent are UTF-8, so say so.
    private static string Utf8(StringBuilder text) =>
        text.Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"").ToString();
}
