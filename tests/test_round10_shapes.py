"""Shapes found on round 10's first run (Sichuan, Inner Mongolia, Shijiazhuang, Hebei, Shanghai,
Jilin), tested on documents written for the test: the asker's function words do not sink a rule
question below the support floor; a city that the named document speaks of is the topic; a quoted
part title names the part that prints it; a piece jieba cuts across the issuer's name is no topic;
"那到2030年呢？要到多少？" keeps the earlier subject; "这条谁负责？" of a provision with no
attribution is declined; a region ("西部") is no body acting."""

from __future__ import annotations

import pytest

from assistant.compose import templates as t
from assistant.service import PolicyQA
from tests.fakes import keyword_library

PROVINCE = """中共甘肃省委 甘肃省人民政府关于推进绿色低碳发展的实施意见
一、重点任务
（一）建设新能源基地。加快建设河西走廊西部风电基地，推进光伏发电规模化开发，建设一批风光储一体化项目，提升新能源就地消纳能力，完善跨省输电通道布局，推动新能源与传统能源协同发展。
（二）推进工业节能降碳。严格控制高耗能高排放项目，推动钢铁、有色、化工、建材等行业节能降碳改造，实施能效领跑者行动，加快淘汰落后产能，推动重点用能单位能耗在线监测系统建设。
（三）发展绿色建筑。新建建筑全面执行绿色建筑标准，推进既有建筑节能改造，推广装配式建筑和绿色建材，提升城镇建筑可再生能源应用比例，推动农村住房节能改造和清洁取暖。
（四）发展循环经济。推进园区循环化改造，加强大宗固体废弃物综合利用，完善废旧物资回收网络，推动再生资源规模化利用，培育一批资源综合利用骨干企业和示范基地。
（五）巩固生态碳汇。实施重要生态系统保护和修复工程，推进国土绿化，加强草原保护修复和湿地保护，提升生态系统碳汇能力，探索建立碳汇产品价值实现机制。
（六）推进交通运输绿色转型。优化交通运输结构，推进大宗货物运输“公转铁”，加快城乡物流配送体系建设，推广节能低碳型交通工具，建设绿色公路和绿色港站，提升公众绿色出行比例。
（七）倡导绿色生活方式。开展绿色生活创建行动，推广绿色产品，遏制奢侈浪费和不合理消费，推进生活垃圾分类，引导公众践行简约适度、绿色低碳的生活方式，营造全社会共同参与的良好氛围。
（八）发展绿色金融。鼓励有条件的地方、金融机构、企业设立绿色低碳基金。支持兰州申建国家级绿色金融改革创新试验区。
（九）推广新能源汽车。推动兰州公共交通车辆电动化，完善充电设施布局。（省交通运输厅牵头，省工信厅配合）
二、健全法规标准和统计监测体系，坚持分类指导
（十）健全法规。清理与绿色低碳发展不相适应的地方法规。
（十一）完善标准计量体系。加快节能标准更新升级。
（十二）提升统计监测能力。健全碳排放统计核算体系。
"""

CITY = """中共西安市委 西安市人民政府关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施方案
一、主要目标
到2025年，绿色低碳循环发展的经济体系初步形成，非化石能源消费比重达到10%以上。
到2030年，经济社会发展绿色转型取得显著成效，非化石能源消费比重达到15%以上，确保2030年前实现碳达峰。
二、重点任务
（一）推进基础设施绿色化。推动城市道路照明节能改造，建设海绵城市。
（二）发展绿色交通。推广新能源公交车，建设慢行交通系统。到2030年，新能源公交车占比达到80%。
三、组织实施
（三）强化组织协调。市委、市政府把绿色低碳发展摆上重要位置，督促目标任务落实落细。
四、园区建设
（四）支持园区循环化发展。全面落实支持循环经济产业园区发展的8条措施，建立健全再生资源回收体系。
（五）建设零碳示范园区。推进3项示范工程：一是屋顶光伏全覆盖，二是园区微电网，三是余热梯级利用。
"""

PROVINCE_ID = "gansu-green-low-carbon-opinions"
CITY_ID = "xian-green-low-carbon-plan"


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["基金", "兰州", "风电", "法规", "标准", "目标", "非化石能源", "交通", "组织"]
    documents = {PROVINCE_ID: PROVINCE, CITY_ID: CITY}
    return keyword_library(tmp_path_factory, documents, vocab)


def test_function_words_no_document_prints_do_not_sink_a_rule_question(qa: PolicyQA) -> None:
    # round 10: "我们是四川一家新能源企业，想牵头设立一支碳基金，…支不支持企业这么做？" was refused
    answer = qa.ask(
        "我们是甘肃一家做光伏的企业，有个想法：想牵头设立一支基金，"
        "甘肃的实施意见支不支持我们这么做？接着该怎么办？"
    )
    assert not answer.refused
    assert [c.key for c in answer.citations][:1] == ["1.8"]
    assert "设立绿色低碳基金" in answer.text


def test_a_city_the_named_document_speaks_of_is_the_topic(qa: PolicyQA) -> None:
    # round 10: "四川的双碳实施意见里对成都提了哪几项支持？" → "没有关于成都的政策文件"
    answer = qa.ask("甘肃的实施意见里对兰州提了哪些支持？")
    assert not answer.refused
    assert "兰州" in answer.text
    assert {c.doc_id for c in answer.citations} == {PROVINCE_ID}
    # a city that no indexed document speaks of is still refused
    assert qa.ask("甘肃的实施意见里对贵阳提了哪些支持？").refused


def test_a_quoted_part_title_names_the_part_that_prints_it(qa: PolicyQA) -> None:
    # round 10 (Hebei): the quote held the shorter title "健全法规", which was taken for the part
    answer = qa.ask("甘肃实施意见里“健全法规标准和统计监测体系”这部分有几条？")
    assert "共有 3 项" in answer.text
    assert [c.key for c in answer.citations] == ["2.10", "2.11", "2.12"]


def test_a_piece_cut_across_the_issuers_name_is_no_topic(qa: PolicyQA) -> None:
    # round 10 (Shijiazhuang): "市委市政府的…方案，主要目标是什么？" answered from 组织协调, whose
    # "市委、市政府" printed the piece "市政"
    answer = qa.ask("西安市委市政府的双碳实施方案，主要目标是什么？")
    assert [c.key for c in answer.citations] == ["1", "1"]
    assert "**2025年**" in answer.text and "**2030年**" in answer.text


def test_the_documents_place_said_again_is_no_topic(qa: PolicyQA) -> None:
    # whole library (Shijiazhuang): "…实施方案里，石家庄打算哪一年前实现碳达峰？" — the place said
    # again was read as the topic, and its pieces (石家, 家庄) sank every provision
    answer = qa.ask("西安市委市政府的双碳实施方案里，西安打算哪一年前实现碳达峰？")
    assert not answer.refused
    assert [c.key for c in answer.citations][:1] == ["1"]
    assert "确保2030年前实现碳达峰" in answer.text


def test_a_follow_up_that_only_says_another_year_keeps_the_subject(qa: PolicyQA) -> None:
    # round 10 (Shanghai): "那到2030年呢？要到多少？" was refused as a figure not given
    history = [
        {"role": "user", "content": "西安的实施方案里，到2025年非化石能源消费比重要达到多少？"},
        {"role": "assistant", "content": "一、主要目标：到2025年非化石能源消费比重达到10%以上。"},
    ]
    answer = qa.ask("那到2030年呢？要到多少？", history=history)
    assert not answer.refused
    assert "15%以上" in answer.text and "10%以上" not in answer.text and "80%" not in answer.text


def test_who_is_responsible_for_a_provision_without_attribution_is_declined(qa: PolicyQA) -> None:
    # round 10 (Jilin): "这条谁负责？写了牵头部门没有？" answered "该条未明确牵头部门" as an answer
    history = [
        {"role": "user", "content": "甘肃实施意见对绿色金融是怎么说的？"},
        {
            "role": "assistant",
            "content": "一（八）发展绿色金融：鼓励有条件的地方、金融机构、企业设立绿色低碳基金。",
        },
    ]
    answer = qa.ask("这条谁负责？写了牵头部门没有？", history=history)
    assert answer.refused and t.NO_ATTRIBUTION_REFUSAL in answer.text
    assert [c.key for c in answer.citations] == ["1.8"]
    # a provision that prints its attribution is still answered
    history[0]["content"] = "甘肃实施意见对新能源汽车推广是怎么说的？"
    attributed = qa.ask("这条谁负责？", history=history)
    assert not attributed.refused and "省交通运输厅" in attributed.departments.lead


def test_a_region_is_no_body_acting(qa: PolicyQA) -> None:
    # round 10 (Jilin): "东北东部林区" was read as a body, so the unattributed task was answered
    answer = qa.ask("甘肃实施意见里，河西走廊风电基地建设由哪个部门牵头？")
    assert answer.refused and answer.text.startswith(t.NO_ATTRIBUTION_REFUSAL)
    assert not answer.departments.lead


def test_buying_advice_for_several_shares_is_declined(qa: PolicyQA) -> None:
    answer = qa.ask("推荐几只光伏板块的股票")
    assert answer.refused and answer.text == t.REFUSAL_REQUEST


def test_the_items_of_a_set_the_document_only_counts_are_declined(qa: PolicyQA) -> None:
    # round 10 (Wuzhou): "…落实自治区支持梧州循环经济产业园区高质量发展的10条措施，这10条具体是哪些？"
    # was answered by locating the sentence, as if it listed them
    answer = qa.ask("西安的实施方案提到落实支持循环经济产业园区发展的8条措施，这8条具体是哪些？")
    assert answer.refused and answer.text.startswith(t.NOT_ENUMERATED)
    assert "8条措施" in answer.text
    # a set the provision spells out is answered
    spelled = qa.ask("西安的实施方案里零碳示范园区的3项示范工程分别是什么？")
    assert not spelled.refused and "园区微电网" in spelled.text


def test_the_clauses_that_ask_are_weighed_apart_from_the_askers_situation(qa: PolicyQA) -> None:
    # round 12 (the national 2030 plan, Zhejiang, Qinghai): "我们是一家磷化工企业，厂里磷石膏堆存
    # 压力很大。…对磷石膏的去处有什么说法？" was refused: the situation's words weighed most
    answer = qa.ask(
        "我们是一家磷化工企业，厂里磷石膏堆存压力很大，仓库都快满了，老板天天催。"
        "甘肃的实施意见对大宗固体废弃物有什么说法？"
    )
    assert not answer.refused
    assert [c.key for c in answer.citations][:1] == ["1.4"]
    # a clause that asks nothing of its own ("…那份意见支持吗？") is not weighed apart
    vague = qa.ask("我们是包头的设备厂，想扩建一条超长生产线，仓库都快满了。甘肃的实施意见支持吗？")
    assert vague.refused
    # nor is one word ("有什么条件？"): it would quote any provision that prints it
    one_word = qa.ask("我们是水泥企业，想扩产能，甘肃的实施意见允许吗？有什么条件？")
    assert "有条件的地方" not in one_word.text


def test_a_part_named_by_its_number_lists_its_items(qa: PolicyQA) -> None:
    # round 12 (Guangxi, the central opinion): "第九部分讲的是啥？下面分哪几条？" was refused, and
    # "第八部分…下面几条的标题是什么？" was read as a question about the document's title
    answer = qa.ask("下周要讲甘肃的实施意见，第二部分讲的是啥？下面分哪几条？")
    assert [c.key for c in answer.citations] == ["2.10", "2.11", "2.12"]
    titles = qa.ask("西安的实施方案第四部分下面几条的标题是什么？")
    assert [c.key for c in titles.citations] == ["4.4", "4.5"]
