"""The words matching compares: jieba with the domain dictionary, synonyms folded, stop words gone."""

from core.text import segmentation


def test_domain_terms_stay_whole_and_their_parts_are_kept_too():
    words = segmentation.match_terms(title="硅碳负极材料", texts=("用于工业机器人",)).split()

    assert "负极材料" in words
    assert "工业机器人" in words
    assert "机器人" in words


def test_synonyms_fold_to_one_word():
    forms = segmentation.canonical_forms()

    assert forms["锂离子电池"] == forms["锂电池"] == "锂电池"
    assert forms["机械臂"] == forms["工业机器人"]
    assert "锂电池" in segmentation.match_terms(title="锂离子电池").split()


def test_title_and_keywords_count_twice_and_stop_words_not_at_all():
    words = segmentation.match_terms(
        title="石墨烯", keywords=["导热膜"], texts=("一种基于石墨烯的技术",)
    ).split()

    assert words.count("石墨烯") == 3
    assert words.count("导热膜") == 2
    assert "技术" not in words
    assert "基于" not in words
