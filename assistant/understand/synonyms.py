"""Colloquial words users type → the words the documents use ("绿电" → "绿色电力").

Questions are expanded with the document words before retrieval and support scoring, so "我们绿电用得多"
finds "消费绿色电力比例较高的用户". The table is small and hand-written; it adds words, never answers.
"""

from __future__ import annotations

import re
from functools import lru_cache

SYNONYMS: dict[str, str] = {
    "绿电": "绿色电力",
    "限电": "需求侧管理 优先保障",
    "有序用电": "需求侧管理 优先保障",
    "大楼": "建筑",
    "楼房": "建筑",
    "房子": "建筑",
    "写字楼": "公共建筑",
    "盖楼": "建筑 建设",
    "电动车": "新能源 车辆",
    "电车": "新能源 车辆",
    "新能源车": "新能源 车辆",
    "充电桩": "充电换电设施",
    "烧煤": "燃煤 煤炭",
    "用煤": "煤炭消费",
    "煤炉": "燃煤锅炉",
    "工厂": "工业企业",
    "上市": "上市融资",
    "融资": "投融资",
    "碳交易": "碳排放权交易",
    "碳市场": "碳排放权交易市场",
    "光伏板": "光伏",
    "太阳能": "光伏",
    "屋顶光伏": "屋顶分布式光伏",
    "碳捕集": "碳捕集、利用与封存",
    "CCUS": "碳捕集、利用与封存",
    "垃圾分类": "分类处理",
    "老小区": "老旧小区",
    "旧小区": "老旧小区",
    "公交": "公共交通",
    "种树": "国土绿化",
    "植树": "国土绿化",
    "机房": "数据中心",
    "双碳": "碳达峰 碳中和",
    "GDP": "地区生产总值",
    "钢厂": "钢铁",
    "水泥厂": "水泥",
    "化工厂": "化工",
    "电费": "电价",
    "环评": "环境影响评价",
    "电价优惠": "电价政策",
    "排污": "污染物",
    "节能改造": "节能降碳改造",
    "卡能耗": "能耗 严格管控",
    "老车": "老旧车船",
    "旧车": "老旧车船",
    "船舶用电": "岸电",
}

_PATTERN = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)), re.I)


@lru_cache(maxsize=4096)
def expand(text: str) -> str:
    """`text` followed by the document words for every colloquial word in it ("" when none)."""
    found = dict.fromkeys(
        SYNONYMS[m.group(0).upper() if m.group(0).isascii() else m.group(0)]
        for m in _PATTERN.finditer(text)
    )
    return " ".join(found)


def colloquial_words() -> frozenset[str]:
    """Words that are replaced by document words when scoring support."""
    return frozenset(SYNONYMS)
