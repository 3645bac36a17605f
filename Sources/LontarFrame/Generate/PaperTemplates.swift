/// The kinds of sentence a synthetic abstract or opening is made of.
enum SentenceKind: Int, CaseIterable {
    /// The first sentence of a paper's opening: what the field is about.
    case opener
    /// Context and prior work, usually with citations.
    case background
    /// What this paper does.
    case aim
    /// How it does it.
    case method
    /// What it finds, with numbers and units.
    case result
    /// What it means.
    case conclusion
    /// The "paper is organized as follows" close of an arXiv introduction.
    case outline
}

/// Sentence templates shared by every field; the word lists they name
/// (`{topic}`, `{system}`, `{method}`, `{param}`, `{trend}`, `{finding}`…)
/// come from the field (see `PaperFieldSource`). Text follows the arXiv and
/// PubMed summarization datasets: tokens separated by spaces, punctuation
/// spaced out (`( sd = 3.1 )`, `word , word .`).
enum PaperTemplates {
    static let generic: [SentenceKind: [String]] = [
        .opener: [
            "research on {topic} {=has attracted|has received} {=considerable|growing|much} attention {=in recent years|over the last decades|since the pioneering work of {person}}{?60: {@cite}} .",
            "the study of {topic} is {=one of the most|among the most} {=fundamental|widely studied|active} {=topics|subjects} in {area}{?70: {@cite}} .",
            "the study of {topic} {=has a long history|dates back to the work of {person}|is a central theme of {area}}{?70: {@cite}} .",
            "{=over the past decade|in the last few years|during the last two decades} , research on {topic} has {=become|emerged as} {=an active|a rapidly developing|a major} field of research{?60: {@cite}} .",
        ],
        .background: [
            "{=understanding|controlling|characterizing} {effect} is {=essential|crucial|of great importance} for {application}{?40: {@cite}} .",
            "despite {=considerable|extensive|substantial} {=effort|progress|work} , {effect} {=remains|is still} {=poorly understood|an open problem|a matter of debate}{?60: {@cite}} .",
            "a {=key|central|long - standing} {=question|challenge} in {area} is whether {fact}{?40: {@cite}} .",
            "it is {=well known|widely accepted|generally believed} that {fact}{?70: {@cite}} .",
            "{=several|many|numerous} {=studies|authors|groups} have {=reported|suggested|argued|shown} that {fact} {@cite} .",
            "{=recent|previous} {=experiments|studies|investigations} {@cite} have {=shown|demonstrated|indicated} that {fact} .",
            "{=in particular|moreover|furthermore} , {fact}{?50: {@cite}} .",
            "{=many|several} {=authors|groups} have used {method} to {=study|describe|model} {system}{?70: {@cite}} .",
            "{=however|nevertheless} , {=little is known about|few studies have addressed} {effect}{?50: {@cite}} .",
            "{=these|such} {=questions|issues} are {=directly relevant|of practical importance} for {application}{?50: {@cite}} .",
        ],
        .aim: [
            "{=in this paper ,|in this work ,|here} we {=study|investigate|examine|analyze} {system} {=using|by means of|with} {method} .",
            "{=here|in this paper ,} we {=propose|develop|introduce|present} {approach} for {task} .",
            "the {=aim|purpose|goal|objective} of this {=study|work} {=is|was} to {=evaluate|determine|assess|clarify} {effect} in {system} .",
            "we {=address|revisit|consider} the {=problem|question} of {task} .",
            "{=motivated by|in view of} {=these|recent} {=observations|developments|results} , we {=study|investigate} {system} .",
        ],
        .method: [
            "we {=use|employ|apply} {method} to {=compute|estimate|determine} {q} {=as a function of|for different values of} {param} .",
            "{q} {=is|was} {=obtained|calculated|determined} {=using|by means of} {method} .",
            "{=our|the} {=model|analysis|approach} {=takes into account|includes|incorporates} {ingredient} .",
            "{=in addition|furthermore|moreover} , we {=compare|contrast} {=our|these} results with {reference} .",
            "we {=pay particular attention to|focus on} {effect} .",
            "{=to this end|for this purpose} , we {=combine|complement} {method} with {othermethod} .",
        ],
        .result: [
            "we find that {q} {trend} as {param} {=increases|is increased|decreases|is reduced} .",
            "{q} {=is|was} {=found to be|estimated to be|measured to be} {qv}{?40: , {=in good agreement with|consistent with|somewhat larger than|slightly below} {reference}} .",
            "{=our|the} {=results|calculations|data|simulations} {=show|indicate|demonstrate|reveal} that {finding} .",
            "{=in particular|remarkably|interestingly|surprisingly} , {finding} .",
            "{q} {=increases|rises|grows} from {qv} to {qv2} {=over the range considered|when {param} is varied|across the samples} .",
            "the {=agreement|difference} between {=theory and experiment|the two approaches|our results and {reference}} is {=within|about} {#dec:0.5:15:1} % .",
            "we {=also|further} {=show|find|observe} that {finding} .",
        ],
        .conclusion: [
            "{=these|our} {=results|findings|observations} {=suggest|indicate|imply} that {implication} .",
            "{=this|our} {=approach|framework|work} {=provides|offers|opens} {=a new route towards|a useful framework for|new insight into|a systematic approach to} {application} .",
            "{=finally|in conclusion|overall} , {implication} .",
            "{=further studies are|future work is|additional experiments are} {=needed|required} to {=confirm|clarify|establish} {effect} .",
            "the implications of {=our|these} {=results|findings} for {application} are {=discussed|briefly discussed|outlined} .",
        ],
        .outline: [
            "the paper is organized as follows .",
            "in section {=2|ii} we {=introduce|describe|present} {=the model|our method|the formalism|the data} , and in section {=3|iii} we {=present|discuss} {=our results|the numerical results|the main theorem} .",
            "{=concluding remarks|a summary and an outlook|our conclusions} {=are given|are presented} in section {#int:4:6} .",
            "{=technical details|some of the proofs|additional figures} are {=collected|deferred|given} in the appendix .",
        ],
    ]

    /// Word lists every field must define for the generic templates.
    static let requiredLists = [
        "area", "topic", "system", "method", "approach", "task", "param", "trend", "finding", "fact",
        "effect", "implication", "application", "ingredient", "reference", "person", "othermethod",
    ]

    /// Lists picked once per row, when the field defines them.
    static let stickyLists = ["topic", "system", "method", "area", "condition", "intervention", "dataset", "model"]
}
